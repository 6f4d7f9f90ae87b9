-- AlterTable
ALTER TABLE "Checkpoint" ADD COLUMN     "batch" INTEGER;

