-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY['counter', 'data:read', 'data:write']::TEXT[];

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "limits" JSONB;
