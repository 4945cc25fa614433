-- Operator tokens can expire, and the token seeded from ADMIN_TOKEN is marked so a new one revokes it.
ALTER TABLE "OperatorToken" ADD COLUMN "expiresAt" TIMESTAMPTZ(3);
ALTER TABLE "OperatorToken" ADD COLUMN "bootstrap" BOOLEAN NOT NULL DEFAULT false;
UPDATE "OperatorToken" SET "bootstrap" = true WHERE "name" = 'bootstrap-admin';
