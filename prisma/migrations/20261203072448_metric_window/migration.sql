-- CreateTable
CREATE TABLE "metric_window" (
    "windowSize" TEXT NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "tenantId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "connection" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "successful" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "unavailable" INTEGER NOT NULL,
    "errorRate" DOUBLE PRECISION NOT NULL,
    "uptimePct" DOUBLE PRECISION NOT NULL,
    "latencySumMs" DOUBLE PRECISION NOT NULL,
    "latencyMaxMs" DOUBLE PRECISION NOT NULL,
    "avgLatencyMs" DOUBLE PRECISION NOT NULL,
    "p95LatencyMs" DOUBLE PRECISION NOT NULL,
    "p99LatencyMs" DOUBLE PRECISION NOT NULL,
    "latencySketch" BYTEA NOT NULL,
    "lastSuccessAt" TIMESTAMPTZ(3),
    "lastErrorAt" TIMESTAMPTZ(3),
    "lastErrorCode" TEXT,
    "lastErrorStatus" INTEGER,
    "lastErrorMessage" TEXT,
    "breakerState" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "metric_window_pkey" PRIMARY KEY ("windowSize","windowStart","tenantId","provider","connection","operation")
);

-- CreateIndex
CREATE INDEX "metric_window_tenantId_windowSize_windowStart_idx" ON "metric_window"("tenantId", "windowSize", "windowStart");
