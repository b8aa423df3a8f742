-- AlterTable
ALTER TABLE "alert_settings" ADD COLUMN     "nextDueAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "alert_settings_nextDueAt_idx" ON "alert_settings"("nextDueAt");

-- CreateIndex
CREATE INDEX "alert_settings_evaluatedAt_idx" ON "alert_settings"("evaluatedAt");

