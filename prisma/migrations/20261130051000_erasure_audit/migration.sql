-- CreateTable
CREATE TABLE "erasure_audit" (
    "id" UUID NOT NULL,
    "subject_hash" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "counts" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "erasure_audit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "erasure_audit_subject_hash_idx" ON "erasure_audit"("subject_hash");

