-- CreateEnum
CREATE TYPE "Placement" AS ENUM ('pooled', 'silo');

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "placement" "Placement" NOT NULL DEFAULT 'pooled',
ADD COLUMN     "siloDatabase" TEXT;


-- Added by hand (Prisma's schema has no CHECK constraints): a silo tenant always names its database, a pooled one never.
ALTER TABLE "Tenant" ADD CONSTRAINT "Tenant_placement_database_check"
    CHECK (("placement" = 'silo') = ("siloDatabase" IS NOT NULL));
