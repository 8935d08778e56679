-- CreateTable
CREATE TABLE "outbox_message" (
    "id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "sessionId" TEXT,
    "body" JSONB NOT NULL,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "availableAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "outbox_message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_message" (
    "consumer" TEXT NOT NULL,
    "messageId" UUID NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_message_pkey" PRIMARY KEY ("consumer","messageId")
);

-- CreateTable
CREATE TABLE "effect_ledger" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "commandId" UUID NOT NULL,
    "consumer" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "naturalKey" TEXT NOT NULL,
    "externalRef" TEXT,
    "outcome" TEXT NOT NULL,
    "detail" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "effect_ledger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dead_letter" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "messageId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "subscription" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "deliveryCount" INTEGER NOT NULL,
    "rawBody" TEXT NOT NULL,
    "headers" JSONB NOT NULL,
    "deadLetteredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "redrivenAt" TIMESTAMPTZ(3),

    CONSTRAINT "dead_letter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "call_record" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "provider" TEXT NOT NULL,
    "connection" TEXT,
    "operation" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "httpStatus" INTEGER,
    "latencyMs" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL,
    "breakerState" TEXT,
    "correlationId" TEXT,
    "messageId" TEXT,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "call_record_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outbox_message_pending_idx" ON "outbox_message"("createdAt", "availableAt") WHERE ("publishedAt" IS NULL);

-- CreateIndex
CREATE UNIQUE INDEX "effect_ledger_consumer_commandId_operation_key" ON "effect_ledger"("consumer", "commandId", "operation");

-- CreateIndex
CREATE INDEX "dead_letter_subscription_deadLetteredAt_idx" ON "dead_letter"("subscription", "deadLetteredAt");

-- CreateIndex
CREATE INDEX "call_record_provider_occurredAt_idx" ON "call_record"("provider", "occurredAt");
