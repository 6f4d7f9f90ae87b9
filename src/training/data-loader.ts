import * as tf from '@tensorflow/tfjs';
import { readDatasetArrays, type DatasetArrays } from '../datasets/dataset-files.ts';
import { sizeOf } from '../model/dataset-shape.ts';
import type { TargetEncoding } from '../model/target-encoding.ts';
import type { Preprocessing } from '../datasets/preprocessing.ts';
import { rebasePreprocessing } from './preprocessing-rebase.ts';
import { seededRandom, shuffleInPlace } from './seeded-random.ts';

/** A batch as tensors; the caller disposes them (see {@link disposeBatch}). */
export interface Batch {
  xs: tf.Tensor;
  ys: tf.Tensor;
  size: number;
  /** Per-sample loss weights [size] from the class weights; training batches only, when the run has them. */
  sampleWeights?: tf.Tensor1D;
}

/** Where batches come from: the training loop needs no more than this. */
export interface BatchSource {
  trainBatches(epoch: number): Iterable<Batch>;
  validationBatches(): Iterable<Batch>;
}

export interface DataLoaderOptions {
  numSamples: number;
  inputShape: number[];
  targetShape: number[];
  encoding: TargetEncoding;
  /** Classes of a classification dataset; bounds the class indices (an `index` encoding cannot tell). */
  numClasses?: number | null;
  batchSize: number;
  /**
   * The last fraction of the samples left after the test split (after the seeded shuffle,
   * when seeded) is held out, as Keras's validationSplit.
   */
  validationSplit: number;
  /** The last fraction of all samples (after the seeded shuffle) is held out as the test split, before validation. Default 0. */
  testSplit?: number;
  /** Loss weight per class index, or `balanced` (n / (k × count) over the training samples); classification only. */
  classWeight?: Record<string, number> | 'balanced';
  /** Reshuffle the training samples every epoch. */
  shuffle: boolean;
  seed?: number;
}

/** The dataset's files are missing, truncated or hold values that cannot be targets. */
export class DatasetUnreadableError extends Error {
  override name = 'DatasetUnreadableError';
}

/**
 * Reads a dataset's files into a loader. `rebase` re-expresses its features in another
 * dataset's preprocessing: a separate validation or test CSV was standardised with its own
 * column statistics, and the model must see it scaled as its training data was.
 */
export async function loadDataset(dir: string, options: DataLoaderOptions, rebase?: { from: Preprocessing; to: Preprocessing }): Promise<DataLoader> {
  let arrays: DatasetArrays;
  try {
    arrays = await readDatasetArrays(dir);
  } catch (err) {
    throw new DatasetUnreadableError(`cannot read the dataset files: ${(err as Error).message}`);
  }
  if (rebase) rebasePreprocessing(arrays.features, rebase.from, rebase.to, sizeOf(options.inputShape));
  return new DataLoader(arrays, options);
}

/**
 * Serves a dataset held as flat Float32 arrays in batches. Only one batch at a time exists
 * as tensors, so a large dataset costs its arrays once, not again as one big tensor.
 */
export class DataLoader implements BatchSource {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
  readonly test: Uint32Array;
  /** Loss weight per class index, when the run weighs classes. */
  readonly classWeights: Float32Array | null;
  private readonly order: Uint32Array;
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
    if (options.encoding.kind !== 'values') this.checkClassIndices(this.numClasses());

    const order = Uint32Array.from({ length: n }, (_, i) => i);
    if (options.seed !== undefined) shuffleInPlace(order, seededRandom(options.seed));
    this.order = order;
    // The test split comes off first, so changing validationSplit never changes the test samples.
    const rest = n - Math.floor(n * (options.testSplit ?? 0));
    const trainCount = rest - Math.floor(rest * options.validationSplit);
    if (trainCount < 1) {
      throw new DatasetUnreadableError(`validationSplit ${options.validationSplit} and testSplit ${options.testSplit ?? 0} leave no training samples out of ${n}`);
    }
    this.train = order.slice(0, trainCount);
    this.validation = order.slice(trainCount, rest);
    this.test = order.slice(rest);
    this.classWeights = options.classWeight === undefined ? null : this.resolveClassWeights(options.classWeight);
  }

  /** Training batches for `epoch` (1-based); a seeded run shuffles the same way for the same epoch, resumed or not. */
  *trainBatches(epoch: number): Generator<Batch> {
    const indices = this.train.slice();
    if (this.options.shuffle) {
      shuffleInPlace(indices, this.options.seed === undefined ? Math.random : seededRandom(this.options.seed * 10007 + epoch));
    }
    yield* this.batches(indices, true);
  }

  *validationBatches(): Generator<Batch> {
    yield* this.batches(this.validation);
  }

  *testBatches(): Generator<Batch> {
    yield* this.batches(this.test);
  }

  /** Every sample, in stored order: a separate validation or test dataset is used whole. */
  *allBatches(): Generator<Batch> {
    yield* this.batches(Uint32Array.from({ length: this.order.length }, (_, i) => i));
  }

  private *batches(indices: Uint32Array, weighted = false): Generator<Batch> {
    for (let start = 0; start < indices.length; start += this.options.batchSize) {
      const batch = this.batch(indices.subarray(start, start + this.options.batchSize));
      if (weighted && this.classWeights) {
        const weights = this.classWeights;
        const rows = indices.subarray(start, start + this.options.batchSize);
        batch.sampleWeights = tf.tensor1d(Float32Array.from(rows, (row) => weights[this.arrays.targets[row]]));
      }
      yield batch;
    }
  }

  /** Per-class weights from the spec: listed classes get theirs, others 1; `balanced` as scikit-learn computes it. */
  private resolveClassWeights(spec: Record<string, number> | 'balanced'): Float32Array {
    const enc = this.options.encoding;
    if (enc.kind === 'values') throw new DatasetUnreadableError('classWeight needs a classification dataset');
    const k = this.numClasses();
    const weights = new Float32Array(k).fill(1);
    if (spec === 'balanced') {
      const counts = new Float64Array(k);
      for (const row of this.train) counts[this.arrays.targets[row]]++;
      // A class absent from the training samples gets no weight anywhere: keep 1 rather than divide by zero.
      counts.forEach((count, c) => count > 0 && (weights[c] = this.train.length / (k * count)));
    } else {
      for (const [index, weight] of Object.entries(spec)) {
        const c = Number(index);
        if (c >= k) throw new DatasetUnreadableError(`classWeight names class ${c}, the dataset has ${k} classes`);
        weights[c] = weight;
      }
    }
    return weights;
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

  private numClasses(): number {
    const enc = this.options.encoding;
    return this.options.numClasses ?? (enc.kind === 'oneHot' ? enc.numClasses : 2);
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
  batch.sampleWeights?.dispose();
}
