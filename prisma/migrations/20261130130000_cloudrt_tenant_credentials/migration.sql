-- CreateTable
CREATE TABLE "TenantCredential" (
    "tenantId" UUID NOT NULL,
    "databasePassword" TEXT NOT NULL,
    "tokenSigningKey" TEXT NOT NULL,
    "rotatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TenantCredential_pkey" PRIMARY KEY ("tenantId")
);
