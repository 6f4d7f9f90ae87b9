-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'paused';

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "maxQueuedRuns" INTEGER,
ADD COLUMN     "maxRunningRuns" INTEGER,
ADD COLUMN     "maxStoredBytes" BIGINT;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "baseModelId" TEXT,
ADD COLUMN     "confusionMatrix" JSONB,
ADD COLUMN     "pauseRequested" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "testDatasetId" TEXT,
ADD COLUMN     "validationDatasetId" TEXT;

-- CreateTable
CREATE TABLE "BaseModel" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "inputShape" INTEGER[],
    "summary" JSONB NOT NULL,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BaseModel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BaseModel_teamId_createdAt_idx" ON "BaseModel"("teamId", "createdAt");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_validationDatasetId_fkey" FOREIGN KEY ("validationDatasetId") REFERENCES "Dataset"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_testDatasetId_fkey" FOREIGN KEY ("testDatasetId") REFERENCES "Dataset"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_baseModelId_fkey" FOREIGN KEY ("baseModelId") REFERENCES "BaseModel"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BaseModel" ADD CONSTRAINT "BaseModel_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

