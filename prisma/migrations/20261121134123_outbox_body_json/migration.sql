-- AlterTable
ALTER TABLE "outbox_message" ALTER COLUMN "body" SET DATA TYPE JSON;
