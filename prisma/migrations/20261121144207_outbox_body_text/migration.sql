-- The outbox body becomes plain JSON text: the webhook accept stores payloads as received without Postgres
-- lexing them, and the relay returns the text without converting it.
-- AlterTable
ALTER TABLE "outbox_message" ALTER COLUMN "body" SET DATA TYPE TEXT USING "body"::text;
