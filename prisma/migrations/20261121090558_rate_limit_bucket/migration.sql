-- CreateTable
CREATE TABLE "rate_limit_bucket" (
    "provider" TEXT NOT NULL,
    "connection" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "capacity" DOUBLE PRECISION NOT NULL,
    "refillPerSecond" DOUBLE PRECISION,
    "windowUnit" TEXT,
    "tokens" DOUBLE PRECISION,
    "count" INTEGER NOT NULL DEFAULT 0,
    "windowStart" TIMESTAMPTZ(6),
    "ceiling" INTEGER,
    "ceilingUntil" TIMESTAMPTZ(6),
    "lastGranted" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "rate_limit_bucket_pkey" PRIMARY KEY ("provider","connection","rule")
);
