import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type AppName, ConfigError, type PlatformConfig, parseConfig } from './config.schema.js';

export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');

let loaded: { app: AppName; config: Readonly<PlatformConfig> } | undefined;

/** The process's config, parsed once; a bad environment stops the boot with every bad key named. */
export function loadConfigOrExit(app: AppName): Readonly<PlatformConfig> {
  if (loaded?.app === app) return loaded.config;
  try {
    loaded = { app, config: parseConfig(app) };
    return loaded.config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${app}: ${error.message}\n`);
    process.exit(78);
  }
}

@Global()
@Module({})
export class PlatformConfigModule {
  static forApp(app: AppName): DynamicModule {
    return {
      module: PlatformConfigModule,
      providers: [{ provide: PLATFORM_CONFIG, useFactory: () => loadConfigOrExit(app) }],
      exports: [PLATFORM_CONFIG],
    };
  }
}
