-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN "eventSeq" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ExperimentEvent" (
    "experimentId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "teamId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentEvent_pkey" PRIMARY KEY ("experimentId","seq")
);

-- AddForeignKey
ALTER TABLE "ExperimentEvent" ADD CONSTRAINT "ExperimentEvent_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
