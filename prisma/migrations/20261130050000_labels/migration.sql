-- CreateTable
CREATE TABLE "event_labels" (
    "id" BIGSERIAL NOT NULL,
    "event_id" TEXT NOT NULL,
    "type" "EventType" NOT NULL,
    "category" TEXT,
    "priority" TEXT,
    "draft" TEXT,
    "ai_value" TEXT,
    "provider" TEXT,
    "model" TEXT,
    "labelled_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_labels_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "event_labels_event_id_id_idx" ON "event_labels"("event_id", "id" DESC);

-- CreateIndex
CREATE INDEX "event_labels_created_at_idx" ON "event_labels"("created_at");

-- AddForeignKey
ALTER TABLE "event_labels" ADD CONSTRAINT "event_labels_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "webhook_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

