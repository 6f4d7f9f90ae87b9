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

type LossOrMetricFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** The loss and metric functions `model.compile` resolved, read once so a later compile cannot change them mid-way. */
interface CompiledFunctions {
  names: string[];
  loss: LossOrMetricFn;
  metrics: LossOrMetricFn[];
}

/**
 * Evaluates a compiled model over batches (each disposed here): the loss and metrics the
 * model was compiled with, averaged per sample, and with `classNames` a confusion matrix of
 * single-label classification (argmax of the outputs, or one sigmoid unit thresholded at 0.5).
 * One forward pass per batch serves the loss, the metrics and the confusion matrix alike
 * (tfjs's `evaluate` would run the model once more for the predictions), and one read per
 * batch brings all of them back. Yields to the event loop between batches so a long
 * evaluation does not starve IPC.
 */
export async function evaluateModel(model: tf.LayersModel, batches: Iterable<Batch>, options: { classNames?: string[] } = {}): Promise<Evaluation> {
  const fns = compiledFunctions(model);
  const sums = new Array<number>(fns.names.length).fill(0);
  const k = options.classNames?.length ?? 0;
  const matrix = k > 0 ? Array.from({ length: k }, () => new Array<number>(k).fill(0)) : null;
  let seen = 0;
  for (const batch of batches) {
    try {
      const [values, classes] = await Promise.all(evaluateBatch(model, fns, batch, matrix !== null).map(readAndDispose));
      for (let i = 0; i < sums.length; i++) sums[i] += values[i] * batch.size;
      if (matrix) countPredictions(classes, batch.size, matrix);
    } finally {
      disposeBatch(batch);
    }
    seen += batch.size;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const metrics = seen === 0 ? {} : Object.fromEntries(fns.names.map((name, i) => [name, sums[i] / seen]));
  return { metrics, numSamples: seen, ...(matrix && options.classNames && { confusionMatrix: { classNames: options.classNames, matrix } }) };
}

function compiledFunctions(model: tf.LayersModel): CompiledFunctions {
  // A Sequential compiles the functional model it wraps and copies back only some of what
  // compile resolved: the loss functions stay on the inner model.
  // (An unbuilt, uncompiled Sequential has no inner model yet.)
  const compiled = model instanceof tf.Sequential ? (model as unknown as { model?: tf.LayersModel }).model : model;
  if (!compiled?.lossFunctions?.length) throw new Error('evaluateModel needs a compiled model');
  if (compiled.outputs.length !== 1) throw new Error(`evaluateModel takes single-output models; this one has ${compiled.outputs.length} outputs`);
  return { names: [...model.metricsNames], loss: compiled.lossFunctions[0], metrics: compiled.metricsTensors.map(([fn]) => fn) };
}

/** [the batch's loss and metric means], and with `withClasses` [its predicted classes, then its true ones]. */
function evaluateBatch(model: tf.LayersModel, fns: CompiledFunctions, batch: Batch, withClasses: boolean): tf.Tensor[] {
  return tf.tidy(() => {
    // The same forward pass (inference mode) tfjs's own test function runs.
    const out = model.predict(batch.xs) as tf.Tensor;
    const scalars = tf.stack([fns.loss, ...fns.metrics].map((fn) => tf.mean(fn(batch.ys, out))));
    return withClasses ? [scalars, tf.concat([predictedClasses(out), trueClasses(batch.ys)])] : [scalars];
  });
}

function predictedClasses(out: tf.Tensor): tf.Tensor {
  const width = out.shape[out.shape.length - 1] ?? 1;
  return width === 1 ? out.reshape([-1]).greaterEqual(0.5).toInt() : out.argMax(-1).toInt();
}

function trueClasses(ys: tf.Tensor): tf.Tensor {
  return ys.rank === 2 && ys.shape[1]! > 1 ? ys.argMax(-1).toInt() : ys.reshape([-1]).toInt();
}

async function readAndDispose(t: tf.Tensor): Promise<ArrayLike<number>> {
  try {
    return await t.data();
  } finally {
    t.dispose();
  }
}

/** `classes` holds the batch's predicted classes, then its true ones. */
function countPredictions(classes: ArrayLike<number>, size: number, matrix: number[][]) {
  for (let i = 0; i < size; i++) {
    const predicted = classes[i];
    const actual = classes[size + i];
    if (matrix[actual] && predicted < matrix.length) matrix[actual][predicted]++;
  }
}
