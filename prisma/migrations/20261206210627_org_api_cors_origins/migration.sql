-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "apiCorsOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[];

