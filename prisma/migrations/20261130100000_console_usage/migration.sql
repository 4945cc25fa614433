-- CreateTable
CREATE TABLE "UsageHour" (
    "tenantId" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "metric" TEXT NOT NULL,
    "value" BIGINT NOT NULL,

    CONSTRAINT "UsageHour_pkey" PRIMARY KEY ("tenantId","hour","metric")
);

-- CreateIndex
CREATE INDEX "UsageHour_hour_idx" ON "UsageHour"("hour");
