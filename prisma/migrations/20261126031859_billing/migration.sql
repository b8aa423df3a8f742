-- CreateEnum
CREATE TYPE "BillingMode" AS ENUM ('direct', 'consolidated');

-- CreateTable
CREATE TABLE "billing_accounts" (
    "orgId" TEXT NOT NULL,
    "billingMode" "BillingMode" NOT NULL DEFAULT 'direct',
    "planKey" TEXT NOT NULL DEFAULT 'free',
    "planOverride" TEXT,
    "customLimits" JSONB,
    "stripeCustomerId" TEXT,
    "stripeSubscriptionId" TEXT,
    "subscriptionStatus" TEXT,
    "siteItemId" TEXT,
    "siteQuantity" INTEGER,
    "currentPeriodStart" TIMESTAMP(3),
    "currentPeriodEnd" TIMESTAMP(3),
    "trialEndsAt" TIMESTAMP(3),
    "cancelAtPeriodEnd" BOOLEAN NOT NULL DEFAULT false,
    "graceStartedAt" TIMESTAMP(3),
    "graceEndsAt" TIMESTAMP(3),
    "readOnlySince" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "billing_accounts_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "stripe_events" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "customerId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "stripe_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "billing_invoices" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "number" TEXT,
    "status" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "amountDue" INTEGER NOT NULL,
    "amountPaid" INTEGER NOT NULL,
    "hostedInvoiceUrl" TEXT,
    "invoicePdf" TEXT,
    "periodStart" TIMESTAMP(3),
    "periodEnd" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),
    "paidAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,
    "syncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_invoices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_usage" (
    "deviceId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "epoch" BIGINT NOT NULL,
    "rxBytes" BIGINT NOT NULL,
    "txBytes" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "device_usage_pkey" PRIMARY KEY ("deviceId")
);

-- CreateTable
CREATE TABLE "usage_hours" (
    "orgId" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "rxBytes" BIGINT NOT NULL DEFAULT 0,
    "txBytes" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "usage_hours_pkey" PRIMARY KEY ("orgId","hour")
);

-- CreateTable
CREATE TABLE "usage_reports" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "customerId" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "value" INTEGER NOT NULL,
    "cumulativeBytes" BIGINT NOT NULL,
    "identifier" TEXT NOT NULL,
    "reportedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_reports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "billing_accounts_stripeCustomerId_key" ON "billing_accounts"("stripeCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "billing_accounts_stripeSubscriptionId_key" ON "billing_accounts"("stripeSubscriptionId");

-- CreateIndex
CREATE INDEX "billing_invoices_orgId_createdAt_idx" ON "billing_invoices"("orgId", "createdAt");

-- CreateIndex
CREATE INDEX "device_usage_orgId_idx" ON "device_usage"("orgId");

-- CreateIndex
CREATE UNIQUE INDEX "usage_reports_identifier_key" ON "usage_reports"("identifier");

-- CreateIndex
CREATE UNIQUE INDEX "usage_reports_orgId_periodStart_key" ON "usage_reports"("orgId", "periodStart");

-- AddForeignKey
ALTER TABLE "billing_accounts" ADD CONSTRAINT "billing_accounts_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing_invoices" ADD CONSTRAINT "billing_invoices_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_usage" ADD CONSTRAINT "device_usage_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_hours" ADD CONSTRAINT "usage_hours_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "usage_reports" ADD CONSTRAINT "usage_reports_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Row-level security: billing state, invoices and usage belong to one org.
-- stripe_events is not tenant-scoped: it records Stripe's event ids, once, for every org.
ALTER TABLE "billing_accounts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "billing_accounts" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "billing_accounts"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "billing_invoices" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "billing_invoices" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "billing_invoices"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "device_usage" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "device_usage" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "device_usage"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "usage_hours" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "usage_hours" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "usage_hours"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());

ALTER TABLE "usage_reports" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "usage_reports" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "usage_reports"
  USING ("orgId" = app_current_org())
  WITH CHECK ("orgId" = app_current_org());
