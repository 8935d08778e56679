-- Parked outbox rows: moved aside by the relay (unpublishable, or failing while the rest flowed), redrivable by id.
-- CreateTable
CREATE TABLE "outbox_parked" (
    "id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "sessionId" TEXT,
    "body" TEXT NOT NULL,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "availableAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "parkedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_parked_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outbox_parked_parkedAt_idx" ON "outbox_parked"("parkedAt");
