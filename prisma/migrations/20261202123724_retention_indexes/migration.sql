-- Indexes the retention job (apps/batch-scheduler/src/retention) deletes by: every row older than a cutoff, in batches.
-- Plain CREATE INDEX locks writes to each table while it builds: on a large inbox_message, apply in a quiet hour.
-- CreateIndex
CREATE INDEX "audit_event_occurredAt_idx" ON "audit_event"("occurredAt");

-- CreateIndex
CREATE INDEX "dead_letter_deadLetteredAt_idx" ON "dead_letter"("deadLetteredAt");

-- CreateIndex
CREATE INDEX "inbox_message_receivedAt_idx" ON "inbox_message"("receivedAt");

-- CreateIndex
CREATE INDEX "processed_message_processedAt_idx" ON "processed_message"("processedAt");
