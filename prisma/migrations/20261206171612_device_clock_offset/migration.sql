-- AlterTable
ALTER TABLE "devices" ADD COLUMN     "clockCheckedAt" TIMESTAMP(3),
ADD COLUMN     "clockOffsetMs" BIGINT;


-- ±10 years: a reported offset beyond that is not a clock, it is garbage (the ingest
-- validates the same bound; this keeps any other writer honest).
ALTER TABLE "devices" ADD CONSTRAINT "devices_clock_offset_bounds"
  CHECK ("clockOffsetMs" BETWEEN -315576000000 AND 315576000000);
