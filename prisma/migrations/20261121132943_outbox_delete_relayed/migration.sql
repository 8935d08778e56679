-- The relay now deletes a row in the transaction that published it. Rows relayed before this migration
-- go first: without the column they would look owed and be published again.
DELETE FROM "outbox_message" WHERE "publishedAt" IS NOT NULL;

-- DropIndex
DROP INDEX "outbox_message_pending_idx";

-- AlterTable
ALTER TABLE "outbox_message" DROP COLUMN "publishedAt";

-- CreateIndex
CREATE INDEX "outbox_message_pending_idx" ON "outbox_message"("createdAt", "availableAt");
