-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "device" TEXT;
