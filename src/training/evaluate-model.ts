import * as tf from '@tensorflow/tfjs';
import { disposeBatch, type Batch } from './data-loader.ts';

/** Rows: true class; columns: predicted class. */
export interface ConfusionMatrix {
  classNames: string[];
  matrix: number[][];
}

export interface Evaluation {
  /** tfjs's names (loss, acc, ...), means over all samples. */
  metrics: Record<string, number>;
  numSamples: number;
  confusionMatrix?: ConfusionMatrix;
}

/**
 * Evaluates a compiled model over batches (each disposed here): the loss and metrics the
 * model was compiled with, averaged per sample, and with `classNames` a confusion matrix of
 * single-label classification (argmax of the outputs, or one sigmoid unit thresholded at 0.5).
 * Yields to the event loop between batches so a long evaluation does not starve IPC.
 */
export async function evaluateModel(model: tf.LayersModel, batches: Iterable<Batch>, options: { classNames?: string[] } = {}): Promise<Evaluation> {
  const names = model.metricsNames;
  const sums = new Array<number>(names.length).fill(0);
  const k = options.classNames?.length ?? 0;
  const matrix = k > 0 ? Array.from({ length: k }, () => new Array<number>(k).fill(0)) : null;
  let seen = 0;
  for (const batch of batches) {
    try {
      const result = model.evaluate(batch.xs, batch.ys, { batchSize: batch.size });
      const scalars = Array.isArray(result) ? result : [result];
      try {
        for (let i = 0; i < scalars.length; i++) sums[i] += (await scalars[i].data())[0] * batch.size;
      } finally {
        tf.dispose(scalars);
      }
      if (matrix) await countPredictions(model, batch, matrix);
    } finally {
      disposeBatch(batch);
    }
    seen += batch.size;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const metrics = seen === 0 ? {} : Object.fromEntries(names.map((name, i) => [name, sums[i] / seen]));
  return { metrics, numSamples: seen, ...(matrix && options.classNames && { confusionMatrix: { classNames: options.classNames, matrix } }) };
}

async function countPredictions(model: tf.LayersModel, batch: Batch, matrix: number[][]) {
  const [predicted, actual] = tf.tidy(() => {
    const out = model.predict(batch.xs) as tf.Tensor;
    const width = out.shape[out.shape.length - 1] ?? 1;
    const pred = width === 1 ? out.reshape([-1]).greaterEqual(0.5).toInt() : out.argMax(-1);
    const ys = batch.ys;
    const truth = ys.rank === 2 && ys.shape[1]! > 1 ? ys.argMax(-1) : ys.reshape([-1]).toInt();
    return [pred, truth];
  });
  const [p, t] = await Promise.all([predicted.data(), actual.data()]);
  tf.dispose([predicted, actual]);
  for (let i = 0; i < p.length; i++) if (matrix[t[i]] && p[i] < matrix.length) matrix[t[i]][p[i]]++;
}
