-- Step rows one statement stores are created a microsecond apart, in the order the steps ran
-- (StepStore), so reading an event's steps by created_at lists them as they ran. Raising a
-- timestamp's precision needs no table rewrite.
-- AlterTable
ALTER TABLE "step_results" ALTER COLUMN "created_at" SET DATA TYPE TIMESTAMP(6);

