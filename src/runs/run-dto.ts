import { z } from 'zod';
import type { Checkpoint, EpochMetric, Run } from '../generated/prisma/client.ts';
import { RUN_TRANSITIONS } from './run-state-machine.ts';

const RUN_STATUSES = Object.keys(RUN_TRANSITIONS) as [keyof typeof RUN_TRANSITIONS, ...(keyof typeof RUN_TRANSITIONS)[]];
const metricsSchema = z.record(z.string(), z.number().nullable());
const isoDate = z.string();

/** A run as the API answers it (every route that returns a run declares this schema). */
export const runDtoSchema = z.object({
  id: z.string(),
  datasetId: z.string(),
  status: z.enum(RUN_STATUSES),
  priority: z.number().int(),
  backend: z.string().nullable(),
  /** What the backend trains on: the WebGPU adapter, or the CPU; null until a worker takes it. */
  device: z.string().nullable(),
  currentEpoch: z.number().int(),
  totalEpochs: z.number().int(),
  latestMetrics: metricsSchema.nullable(),
  testMetrics: metricsSchema.nullable(),
  confusionMatrix: z.object({ classNames: z.array(z.string()), matrix: z.array(z.array(z.number())) }).nullable(),
  validationDatasetId: z.string().nullable(),
  testDatasetId: z.string().nullable(),
  /** The Keras-like summary of the model built when the run was submitted. */
  modelSummary: z.unknown(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  stopReason: z.string().nullable(),
  cancelRequested: z.boolean(),
  pauseRequested: z.boolean(),
  /** The submitted spec's training parts, defaults and seed applied. */
  spec: z.object({ model: z.unknown(), compile: z.unknown(), fit: z.unknown(), callbacks: z.unknown().optional(), augmentation: z.unknown().optional(), transfer: z.unknown().optional() }),
  createdAt: isoDate,
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
});
export type RunDto = z.infer<typeof runDtoSchema>;

export const runPageSchema = z.object({ items: z.array(runDtoSchema), nextCursor: z.string().nullable() });

/** One epoch: tfjs's metric names (loss, acc, val_loss, ...; any compiled metric), and its timing. */
export const epochDtoSchema = z.looseObject({
  epoch: z.number().int(),
  loss: z.number(),
  acc: z.number().nullable(),
  val_loss: z.number().nullable(),
  val_acc: z.number().nullable(),
  durationMs: z.number(),
  samplesPerSec: z.number(),
  /** The optimizer's learning rate during the epoch (schedules and reduce-on-plateau change it). */
  learningRate: z.number().optional(),
  createdAt: isoDate,
});
export const runMetricsSchema = z.object({ runId: z.string(), epochs: z.array(epochDtoSchema) });

export const checkpointDtoSchema = z.object({ id: z.string(), epoch: z.number().int(), batch: z.number().int().nullable(), metrics: metricsSchema, sizeBytes: z.number(), createdAt: isoDate });
export const runCheckpointsSchema = z.object({ runId: z.string(), checkpoints: z.array(checkpointDtoSchema) });

/** A run as clients see it: never the internal fields (event counter, worker lease). */
export function toRunDto(run: Run): RunDto {
  const spec = run.spec as Record<string, unknown>;
  return {
    id: run.id,
    datasetId: run.datasetId,
    status: run.status,
    priority: run.priority,
    backend: run.backend,
    device: run.device,
    currentEpoch: run.currentEpoch,
    totalEpochs: run.totalEpochs,
    latestMetrics: run.latestMetrics as RunDto['latestMetrics'],
    testMetrics: run.testMetrics as RunDto['testMetrics'],
    confusionMatrix: run.confusionMatrix as RunDto['confusionMatrix'],
    validationDatasetId: run.validationDatasetId,
    testDatasetId: run.testDatasetId,
    modelSummary: run.modelSummary,
    error: run.error as RunDto['error'],
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
  return { id: row.id, epoch: row.epoch, batch: row.batch, metrics: row.metrics as Record<string, number>, sizeBytes: row.sizeBytes, createdAt: row.createdAt.toISOString() };
}
