-- AlterTable
ALTER TABLE "webhook_events" ADD COLUMN     "body_digest" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "webhook_events_source_body_digest_key" ON "webhook_events"("source", "body_digest");

