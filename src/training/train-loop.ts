import * as tf from '@tensorflow/tfjs';
import { disposeBatch, type Batch, type BatchSource } from './data-loader.ts';
import type { EpochProgress } from './epoch-progress.ts';
import { evaluateModel } from './evaluate-model.ts';
import { learningRateOf } from './learning-rate.ts';
import { trainStep } from './train-step.ts';

export interface EpochResult {
  /** 1-based, counted over the whole run. */
  epoch: number;
  /** tfjs's names: loss, acc, ... and val_loss, val_acc, ... when there is validation data. */
  metrics: Record<string, number>;
  durationMs: number;
  /** Training samples per second of this epoch (validation excluded). */
  samplesPerSec: number;
  learningRate?: number;
}

export interface TrainLoopOptions {
  /** Compiled with `optimizer`. */
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  loader: BatchSource;
  /** First epoch to run (1-based): 1 for a new run, checkpoint epoch + 1 for a resumed one. */
  startEpoch: number;
  /** Last epoch to run (inclusive). */
  totalEpochs: number;
  /** Polled after every batch; true stops the run there. */
  shouldStop: () => boolean;
  /** Called before each epoch starts (learning-rate schedules set the rate here). */
  onEpochBegin?: (epoch: number) => void;
  /**
   * Awaited after each finished epoch (metrics, callbacks, checkpoint), before the next one
   * starts; `{ stop }` ends training after this epoch (early stopping).
   */
  onEpochEnd: (result: EpochResult) => Promise<void | { stop: string }>;
  /** Called after every trained batch with the batches of `epoch` done so far (skipped ones of a resumed epoch count). */
  onBatchEnd?: (epoch: number, batchesDone: number) => void;
  /**
   * A mid-epoch checkpoint to continue from: epoch `resumeAt.epoch` skips its first
   * `resumeAt.batch` batches (same seeded order, so the same samples) and starts its sums
   * from the saved ones, so its metrics equal an uninterrupted epoch's.
   */
  resumeAt?: EpochProgress;
  /**
   * Mid-epoch checkpoints: before training a batch, once the epoch has trained `everyMs` since it
   * began or since its last mid-epoch checkpoint, `save` is awaited with the progress so far.
   * Never after an epoch's last batch: the end-of-epoch checkpoint follows then.
   */
  midEpochCheckpoint?: { everyMs: number; save: (progress: EpochProgress) => Promise<void> };
}

export type TrainOutcome =
  | { status: 'completed'; lastEpoch: number }
  | { status: 'canceled'; lastEpoch: number }
  /** A callback ended training early. */
  | { status: 'stopped'; lastEpoch: number; reason: string }
  | { status: 'nan'; epoch: number; batch: number; loss: number };

/**
 * The training loop, batch by batch with `trainOnBatch` rather than `model.fit`: we own
 * shuffling (seeded), batching (one batch of tensors alive at a time), the cancel check and
 * the NaN check at every batch, and per-epoch timing. Between batches it yields to the event
 * loop so IPC messages (cancel) are seen while a long epoch runs.
 */
export async function trainLoop(options: TrainLoopOptions): Promise<TrainOutcome> {
  const { model, loader } = options;
  const names = model.metricsNames;
  let lastEpoch = options.startEpoch - 1;
  for (let epoch = options.startEpoch; epoch <= options.totalEpochs; epoch++) {
    options.onEpochBegin?.(epoch);
    const resume = options.resumeAt?.epoch === epoch ? options.resumeAt : null;
    // A resumed epoch counts the training time of the batches done before the checkpoint.
    const started = performance.now() - (resume?.trainMs ?? 0);
    const sums = names.map((name) => resume?.sums[name] ?? 0);
    let seen = resume?.seen ?? 0;
    let batchIndex = 0;
    let sinceCheckpoint = performance.now();
    const mid = options.midEpochCheckpoint && options.midEpochCheckpoint.everyMs > 0 ? options.midEpochCheckpoint : null;
    for (const batch of loader.trainBatches(epoch)) {
      let values: number[];
      try {
        // Batches done before a mid-epoch checkpoint: drawn (augmentation draws stay in step) but not trained.
        if (resume && batchIndex < resume.batch) {
          batchIndex++;
          continue;
        }
        // Here a batch is still to come, so the checkpoint is truly mid-epoch.
        if (mid && batchIndex > (resume?.batch ?? 0) && performance.now() - sinceCheckpoint >= mid.everyMs) {
          await mid.save({
            epoch,
            batch: batchIndex,
            seen,
            sums: Object.fromEntries(names.map((name, i) => [name, sums[i]])),
            trainMs: performance.now() - started,
          });
          sinceCheckpoint = performance.now();
        }
        values = await trainStep(model, batch.xs, batch.ys, batch.sampleWeights);
      } finally {
        disposeBatch(batch);
      }
      if (!Number.isFinite(values[0])) return { status: 'nan', epoch, batch: batchIndex, loss: values[0] };
      values.forEach((v, i) => (sums[i] += v * batch.size));
      seen += batch.size;
      batchIndex++;
      options.onBatchEnd?.(epoch, batchIndex);
      await yieldToEventLoop();
      if (options.shouldStop()) return { status: 'canceled', lastEpoch };
    }
    const trainMs = performance.now() - started;
    const metrics: Record<string, number> = {};
    names.forEach((name, i) => (metrics[name] = sums[i] / seen));
    Object.assign(metrics, await validate(model, loader.validationBatches()));
    if (options.shouldStop()) return { status: 'canceled', lastEpoch };

    // The rate this epoch trained with, read before callbacks change it for the next one.
    const verdict = await options.onEpochEnd({
      epoch,
      metrics,
      durationMs: Math.round(performance.now() - started),
      samplesPerSec: seen / Math.max(trainMs / 1000, 1e-6),
      learningRate: learningRateOf(options.optimizer),
    });
    lastEpoch = epoch;
    if (verdict) return { status: 'stopped', lastEpoch, reason: verdict.stop };
  }
  return { status: 'completed', lastEpoch };
}

/** Mean loss and metrics over the validation batches, named val_<name>; empty without validation data. */
async function validate(model: tf.LayersModel, batches: Iterable<Batch>): Promise<Record<string, number>> {
  const { metrics } = await evaluateModel(model, batches);
  return Object.fromEntries(Object.entries(metrics).map(([name, v]) => [`val_${name}`, v]));
}

/** A macrotask turn: awaiting a resolved promise would not let IPC messages in. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
