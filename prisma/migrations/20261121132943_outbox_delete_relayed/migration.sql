-- The relay now deletes a row in the transaction that published it. POST /commands found a repeated command
-- id by its outbox row, and now records the id in processed_message. Ids of commands already in the outbox are
-- recorded there first, so that repeating one stays a duplicate. (No semicolons in comments: the migration
-- engine splits the script on them.)
INSERT INTO "processed_message" ("consumer", "messageId")
SELECT 'webhook-ingress:http-commands', "id" FROM "outbox_message" WHERE "topic" LIKE '%.commands'
ON CONFLICT DO NOTHING;

-- Rows relayed before this migration go. Without the column they would look owed and be published again.
DELETE FROM "outbox_message" WHERE "publishedAt" IS NOT NULL;

-- DropIndex
DROP INDEX "outbox_message_pending_idx";

-- AlterTable
ALTER TABLE "outbox_message" DROP COLUMN "publishedAt";

-- CreateIndex
CREATE INDEX "outbox_message_pending_idx" ON "outbox_message"("createdAt", "availableAt");
