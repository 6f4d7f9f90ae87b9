import type { Checkpoint, EpochMetric, Run } from '../generated/prisma/client.ts';

/** A run as clients see it: never the internal fields (event counter, worker lease). */
export function toRunDto(run: Run) {
  const spec = run.spec as Record<string, unknown>;
  return {
    id: run.id,
    datasetId: run.datasetId,
    status: run.status,
    priority: run.priority,
    backend: run.backend,
    currentEpoch: run.currentEpoch,
    totalEpochs: run.totalEpochs,
    latestMetrics: run.latestMetrics,
    testMetrics: run.testMetrics,
    confusionMatrix: run.confusionMatrix,
    validationDatasetId: run.validationDatasetId,
    testDatasetId: run.testDatasetId,
    modelSummary: run.modelSummary,
    error: run.error,
    stopReason: run.stopReason,
    cancelRequested: run.cancelRequested,
    pauseRequested: run.pauseRequested,
    spec: { model: spec.model, compile: spec.compile, fit: spec.fit, ...(spec.callbacks ? { callbacks: spec.callbacks } : {}), ...(spec.augmentation ? { augmentation: spec.augmentation } : {}), ...(spec.transfer ? { transfer: spec.transfer } : {}) },
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

export function toEpochDto(row: EpochMetric) {
  const metrics = row.metrics as Record<string, number>;
  return {
    ...metrics,
    epoch: row.epoch,
    loss: row.loss,
    acc: row.acc,
    val_loss: row.valLoss,
    val_acc: row.valAcc,
    durationMs: row.durationMs,
    samplesPerSec: row.samplesPerSec,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toCheckpointDto(row: Checkpoint) {
  return { id: row.id, epoch: row.epoch, batch: row.batch, metrics: row.metrics, sizeBytes: row.sizeBytes, createdAt: row.createdAt.toISOString() };
}
