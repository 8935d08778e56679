-- AlterTable
ALTER TABLE "connection" ADD COLUMN     "healthStatus" TEXT NOT NULL DEFAULT 'unknown',
ADD COLUMN     "healthStatusAt" TIMESTAMPTZ(3),
ADD COLUMN     "nextHealthCheckAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "dead_letter" ADD COLUMN     "tenantId" TEXT;

-- CreateTable
CREATE TABLE "alert_rule" (
    "tenantId" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "params" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rule_pkey" PRIMARY KEY ("tenantId","rule")
);

-- CreateTable
CREATE TABLE "alert_channel" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "url" TEXT,
    "credentialId" UUID,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_channel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "openKey" TEXT,
    "status" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "threshold" DOUBLE PRECISION,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "firedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastEvaluatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMPTZ(3),

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_delivery" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "alertId" UUID NOT NULL,
    "channelId" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schedule" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "job" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "missedRunPolicy" TEXT NOT NULL DEFAULT 'skip',
    "lastRunAt" TIMESTAMPTZ(3),
    "nextRunAt" TIMESTAMPTZ(3),
    "lastRunId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "batch_run" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" TEXT NOT NULL,
    "scheduleId" UUID,
    "scheduledFor" TIMESTAMPTZ(3),
    "job" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "total" INTEGER,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "cursor" JSONB,
    "result" JSONB,
    "error" JSONB,
    "leaseOwner" TEXT,
    "heartbeatAt" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "batch_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "batch_row_error" (
    "runId" UUID NOT NULL,
    "row" INTEGER NOT NULL,
    "key" TEXT,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "batch_row_error_pkey" PRIMARY KEY ("runId","row")
);

-- CreateTable
CREATE TABLE "batch_file" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "contentType" TEXT NOT NULL DEFAULT 'text/csv',
    "bytes" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "batch_file_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_channel_tenantId_name_key" ON "alert_channel"("tenantId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "alert_openKey_key" ON "alert"("openKey");

-- CreateIndex
CREATE INDEX "alert_tenantId_status_firedAt_idx" ON "alert"("tenantId", "status", "firedAt");

-- CreateIndex
CREATE INDEX "alert_firedAt_idx" ON "alert"("firedAt");

-- CreateIndex
CREATE INDEX "alert_delivery_status_nextAttemptAt_idx" ON "alert_delivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "alert_delivery_alertId_channelId_event_key" ON "alert_delivery"("alertId", "channelId", "event");

-- CreateIndex
CREATE INDEX "schedule_enabled_nextRunAt_idx" ON "schedule"("enabled", "nextRunAt");

-- CreateIndex
CREATE UNIQUE INDEX "schedule_tenantId_name_key" ON "schedule"("tenantId", "name");

-- CreateIndex
CREATE INDEX "batch_run_status_heartbeatAt_idx" ON "batch_run"("status", "heartbeatAt");

-- CreateIndex
CREATE INDEX "batch_run_tenantId_createdAt_idx" ON "batch_run"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "batch_run_scheduleId_scheduledFor_key" ON "batch_run"("scheduleId", "scheduledFor");

-- CreateIndex
CREATE INDEX "batch_file_tenantId_createdAt_idx" ON "batch_file"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "connection_nextHealthCheckAt_idx" ON "connection"("nextHealthCheckAt");

-- CreateIndex
CREATE INDEX "dead_letter_tenantId_deadLetteredAt_idx" ON "dead_letter"("tenantId", "deadLetteredAt");

-- AddForeignKey
ALTER TABLE "alert_delivery" ADD CONSTRAINT "alert_delivery_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_delivery" ADD CONSTRAINT "alert_delivery_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "alert_channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "batch_run" ADD CONSTRAINT "batch_run_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "schedule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "batch_row_error" ADD CONSTRAINT "batch_row_error_runId_fkey" FOREIGN KEY ("runId") REFERENCES "batch_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
