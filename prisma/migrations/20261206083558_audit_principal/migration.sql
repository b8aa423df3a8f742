-- AlterTable
ALTER TABLE "audit_logs" ADD COLUMN     "actorKind" TEXT;

