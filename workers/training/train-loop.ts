import * as tf from '@tensorflow/tfjs';
import { learningRateOf } from '../../src/model/compile-model.ts';
import { disposeBatch, type Batch, type DataLoader } from './data-loader.ts';

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
  loader: DataLoader;
  /** First epoch to run (1-based): 1 for a new run, checkpoint epoch + 1 for a resumed one. */
  startEpoch: number;
  /** Last epoch to run (inclusive). */
  totalEpochs: number;
  /** Polled after every batch; true stops the run there. */
  shouldStop: () => boolean;
  /** Awaited after each finished epoch (metrics, checkpoint), before the next one starts. */
  onEpochEnd: (result: EpochResult) => Promise<void>;
}

export type TrainOutcome =
  | { status: 'completed'; lastEpoch: number }
  | { status: 'canceled'; lastEpoch: number }
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
    const started = performance.now();
    const sums = new Array<number>(names.length).fill(0);
    let seen = 0;
    let batchIndex = 0;
    for (const batch of loader.trainBatches(epoch)) {
      let values: number[];
      try {
        values = toArray(await model.trainOnBatch(batch.xs, batch.ys));
      } finally {
        disposeBatch(batch);
      }
      if (!Number.isFinite(values[0])) return { status: 'nan', epoch, batch: batchIndex, loss: values[0] };
      values.forEach((v, i) => (sums[i] += v * batch.size));
      seen += batch.size;
      batchIndex++;
      await yieldToEventLoop();
      if (options.shouldStop()) return { status: 'canceled', lastEpoch };
    }
    const trainMs = performance.now() - started;
    const metrics: Record<string, number> = {};
    names.forEach((name, i) => (metrics[name] = sums[i] / seen));
    Object.assign(metrics, await evaluate(model, loader.validationBatches(), names));
    if (options.shouldStop()) return { status: 'canceled', lastEpoch };

    await options.onEpochEnd({
      epoch,
      metrics,
      durationMs: Math.round(performance.now() - started),
      samplesPerSec: seen / Math.max(trainMs / 1000, 1e-6),
      learningRate: learningRateOf(options.optimizer),
    });
    lastEpoch = epoch;
  }
  return { status: 'completed', lastEpoch };
}

/** Mean loss and metrics over the validation batches, named val_<name>; empty without validation data. */
async function evaluate(model: tf.LayersModel, batches: Iterable<Batch>, names: string[]): Promise<Record<string, number>> {
  const sums = new Array<number>(names.length).fill(0);
  let seen = 0;
  for (const batch of batches) {
    const result = model.evaluate(batch.xs, batch.ys, { batchSize: batch.size });
    const scalars = Array.isArray(result) ? result : [result];
    try {
      for (let i = 0; i < scalars.length; i++) sums[i] += (await scalars[i].data())[0] * batch.size;
    } finally {
      tf.dispose(scalars);
      disposeBatch(batch);
    }
    seen += batch.size;
    await yieldToEventLoop();
  }
  if (seen === 0) return {};
  return Object.fromEntries(names.map((name, i) => [`val_${name}`, sums[i] / seen]));
}

const toArray = (v: number | number[]) => (Array.isArray(v) ? v : [v]);

/** A macrotask turn: awaiting a resolved promise would not let IPC messages in. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
