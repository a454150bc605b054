-- CreateEnum
CREATE TYPE "DraftStatus" AS ENUM ('pending', 'approved', 'sent', 'rejected', 'failed');

-- CreateTable
CREATE TABLE "drafts" (
    "id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "type" "EventType" NOT NULL,
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "target" JSONB NOT NULL,
    "recipient" TEXT,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "reasons" JSONB NOT NULL,
    "status" "DraftStatus" NOT NULL DEFAULT 'pending',
    "decided_by" TEXT,
    "decided_at" TIMESTAMP(3),
    "reject_reason" TEXT,
    "send_started_at" TIMESTAMP(3),
    "send_attempts" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMP(3),
    "channel_message_id" TEXT,
    "last_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "drafts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "drafts_event_id_key" ON "drafts"("event_id");

-- CreateIndex
CREATE INDEX "drafts_created_at_id_idx" ON "drafts"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "drafts_status_created_at_idx" ON "drafts"("status", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "webhook_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

