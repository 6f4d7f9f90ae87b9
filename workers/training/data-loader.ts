import * as tf from '@tensorflow/tfjs';
import { readDatasetArrays, type DatasetArrays } from '../../src/datasets/dataset-files.ts';
import { sizeOf } from '../../src/model/dataset-shape.ts';
import type { TargetEncoding } from '../../src/model/target-encoding.ts';
import { seededRandom, shuffleInPlace } from './seeded-random.ts';

/** A batch as tensors; the caller disposes them (see {@link disposeBatch}). */
export interface Batch {
  xs: tf.Tensor;
  ys: tf.Tensor;
  size: number;
}

export interface DataLoaderOptions {
  numSamples: number;
  inputShape: number[];
  targetShape: number[];
  encoding: TargetEncoding;
  batchSize: number;
  /** The last fraction of the samples (after the seeded shuffle, when seeded) is held out, as Keras's validationSplit. */
  validationSplit: number;
  /** Reshuffle the training samples every epoch. */
  shuffle: boolean;
  seed?: number;
}

/** The dataset's files are missing, truncated or hold values that cannot be targets. */
export class DatasetUnreadableError extends Error {
  override name = 'DatasetUnreadableError';
}

export async function loadDataset(dir: string, options: DataLoaderOptions): Promise<DataLoader> {
  let arrays: DatasetArrays;
  try {
    arrays = await readDatasetArrays(dir);
  } catch (err) {
    throw new DatasetUnreadableError(`cannot read the dataset files: ${(err as Error).message}`);
  }
  return new DataLoader(arrays, options);
}

/**
 * Serves a dataset held as flat Float32 arrays in batches. Only one batch at a time exists
 * as tensors, so a large dataset costs its arrays once, not again as one big tensor.
 */
export class DataLoader {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
  private readonly featureSize: number;
  private readonly targetSize: number;

  constructor(
    private readonly arrays: DatasetArrays,
    private readonly options: DataLoaderOptions,
  ) {
    const n = options.numSamples;
    this.featureSize = sizeOf(options.inputShape);
    this.targetSize = sizeOf(options.targetShape);
    if (arrays.features.length !== n * this.featureSize || arrays.targets.length !== n * this.targetSize) {
      throw new DatasetUnreadableError(
        `dataset files hold ${arrays.features.length} feature and ${arrays.targets.length} target values, expected ${n * this.featureSize} and ${n * this.targetSize}`,
      );
    }
    if (options.encoding.kind !== 'values') this.checkClassIndices(options.encoding.kind === 'oneHot' ? options.encoding.numClasses : 2);

    const order = Uint32Array.from({ length: n }, (_, i) => i);
    if (options.seed !== undefined) shuffleInPlace(order, seededRandom(options.seed));
    const trainCount = n - Math.floor(n * options.validationSplit);
    if (trainCount < 1) throw new DatasetUnreadableError(`validationSplit ${options.validationSplit} leaves no training samples out of ${n}`);
    this.train = order.slice(0, trainCount);
    this.validation = order.slice(trainCount);
  }

  /** Training batches for `epoch` (1-based); a seeded run shuffles the same way for the same epoch, resumed or not. */
  *trainBatches(epoch: number): Generator<Batch> {
    const indices = this.train.slice();
    if (this.options.shuffle) {
      shuffleInPlace(indices, this.options.seed === undefined ? Math.random : seededRandom(this.options.seed * 10007 + epoch));
    }
    yield* this.batches(indices);
  }

  *validationBatches(): Generator<Batch> {
    yield* this.batches(this.validation);
  }

  private *batches(indices: Uint32Array): Generator<Batch> {
    for (let start = 0; start < indices.length; start += this.options.batchSize) {
      yield this.batch(indices.subarray(start, start + this.options.batchSize));
    }
  }

  private batch(rows: Uint32Array): Batch {
    const { features, targets } = this.arrays;
    const fs = this.featureSize;
    const ts = this.targetSize;
    const xs = new Float32Array(rows.length * fs);
    rows.forEach((row, i) => xs.set(features.subarray(row * fs, row * fs + fs), i * fs));
    const enc = this.options.encoding;
    let ys: tf.Tensor;
    if (enc.kind === 'oneHot') {
      // Targets are stored as class indices; categorical losses want one-hot rows.
      const oneHot = new Float32Array(rows.length * enc.numClasses);
      rows.forEach((row, i) => (oneHot[i * enc.numClasses + targets[row]] = 1));
      ys = tf.tensor2d(oneHot, [rows.length, enc.numClasses]);
    } else if (enc.kind === 'index') {
      ys = tf.tensor2d(Float32Array.from(rows, (row) => targets[row]), [rows.length, 1]);
    } else {
      const values = new Float32Array(rows.length * ts);
      rows.forEach((row, i) => values.set(targets.subarray(row * ts, row * ts + ts), i * ts));
      ys = tf.tensor(values, [rows.length, ...enc.shape]);
    }
    return { xs: tf.tensor(xs, [rows.length, ...this.options.inputShape]), ys, size: rows.length };
  }

  private checkClassIndices(numClasses: number) {
    const { targets } = this.arrays;
    for (let i = 0; i < targets.length; i++) {
      const c = targets[i];
      if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
        throw new DatasetUnreadableError(`sample ${i} has class index ${c}, expected an integer in 0..${numClasses - 1}`);
      }
    }
  }
}

export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.xs, batch.ys]);
}
