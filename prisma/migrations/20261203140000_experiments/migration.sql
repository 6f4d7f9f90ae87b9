-- CreateEnum
CREATE TYPE "ExperimentStatus" AS ENUM ('running', 'paused', 'completed', 'canceled');

-- CreateEnum
CREATE TYPE "TrialState" AS ENUM ('pending', 'running', 'paused', 'completed', 'failed', 'canceled');

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "experimentId" TEXT;

-- CreateTable
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "ExperimentStatus" NOT NULL DEFAULT 'running',
    "base" JSONB NOT NULL,
    "space" JSONB NOT NULL,
    "searcher" JSONB NOT NULL,
    "metricName" TEXT NOT NULL,
    "metricMode" TEXT NOT NULL,
    "maxTrials" INTEGER NOT NULL,
    "maxConcurrentTrials" INTEGER NOT NULL,
    "seed" INTEGER NOT NULL,
    "searcherState" JSONB NOT NULL DEFAULT '{}',
    "bestTrialId" TEXT,
    "bestMetric" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Trial" (
    "id" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "runId" TEXT NOT NULL,
    "values" JSONB NOT NULL,
    "state" "TrialState" NOT NULL DEFAULT 'pending',
    "rung" INTEGER NOT NULL DEFAULT 0,
    "rungMetrics" DOUBLE PRECISION[],
    "metric" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Trial_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Experiment_teamId_createdAt_idx" ON "Experiment"("teamId", "createdAt");

-- CreateIndex
CREATE INDEX "Experiment_status_idx" ON "Experiment"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Trial_runId_key" ON "Trial"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "Trial_experimentId_index_key" ON "Trial"("experimentId", "index");

-- CreateIndex
CREATE INDEX "Run_experimentId_idx" ON "Run"("experimentId");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trial" ADD CONSTRAINT "Trial_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

