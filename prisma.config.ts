import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/platform';

// Prisma 6's JS schema engine (Wasm) runs through a driver adapter, so `generate` and
// `migrate diff` work without downloading the native schema engine.
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL });
  },
});
