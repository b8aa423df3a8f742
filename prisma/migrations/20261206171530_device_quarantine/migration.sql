-- AlterTable
ALTER TABLE "devices" ADD COLUMN     "prevSession" TEXT,
ADD COLUMN     "prevSessionAddress" TEXT,
ADD COLUMN     "session" TEXT,
ADD COLUMN     "sessionAddress" TEXT,
ADD COLUMN     "sessionSince" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "device_dead_letters" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "payload" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_alerts" (
    "orgId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" JSONB NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_alerts_pkey" PRIMARY KEY ("deviceId","kind")
);

-- CreateIndex
CREATE INDEX "device_dead_letters_orgId_lastAt_idx" ON "device_dead_letters"("orgId", "lastAt");

-- CreateIndex
CREATE UNIQUE INDEX "device_dead_letters_deviceId_channel_digest_key" ON "device_dead_letters"("deviceId", "channel", "digest");

-- CreateIndex
CREATE INDEX "device_alerts_orgId_idx" ON "device_alerts"("orgId");

-- AddForeignKey
ALTER TABLE "device_dead_letters" ADD CONSTRAINT "device_dead_letters_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_alerts" ADD CONSTRAINT "device_alerts_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;


ALTER TABLE "device_dead_letters" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "device_dead_letters" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "device_dead_letters"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "device_alerts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "device_alerts" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "device_alerts"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());
