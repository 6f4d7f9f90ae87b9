import * as tf from '@tensorflow/tfjs';
import type { LossName } from '../spec/compile-spec.schema.ts';

type MetricFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** tfjs reports a function metric under its `name`; give ours Keras's names. */
const named = (name: string, fn: MetricFn): MetricFn => Object.defineProperty(fn, 'name', { value: name });

/**
 * Predictions and targets as 0/1 tensors of one shape: the argmax class for softmax
 * outputs (categorical losses; sparse targets are one-hot encoded first), a 0.5 threshold
 * for sigmoid outputs (binary and multi-label). tfjs's own precision/recall compare raw
 * probabilities with exactly 1, so they stay at 0 for any real model.
 */
function binarize(yTrue: tf.Tensor, yPred: tf.Tensor, loss: LossName): [tf.Tensor, tf.Tensor] {
  const k = yPred.shape[yPred.shape.length - 1]!;
  const categorical = k > 1 && (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy' || loss === 'categoricalHinge');
  if (!categorical) return [tf.cast(tf.greater(yTrue, 0.5), 'float32'), tf.cast(tf.greater(yPred, 0.5), 'float32')];
  const truth = loss === 'sparseCategoricalCrossentropy' ? tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), k) : yTrue;
  return [tf.cast(truth, 'float32'), tf.oneHot(tf.argMax(yPred, -1), k).toFloat()];
}

/** Keras-style precision (TP / predicted positives) over a batch, for this loss's kind of output. */
export function precisionMetric(loss: LossName): MetricFn {
  return named('precision', (yTrue, yPred) =>
    tf.tidy(() => {
      const [t, p] = binarize(yTrue, yPred, loss);
      return tf.div(tf.sum(tf.mul(t, p)), tf.maximum(tf.sum(p), 1e-7));
    }),
  );
}

/** Keras-style recall (TP / actual positives) over a batch, for this loss's kind of output. */
export function recallMetric(loss: LossName): MetricFn {
  return named('recall', (yTrue, yPred) =>
    tf.tidy(() => {
      const [t, p] = binarize(yTrue, yPred, loss);
      return tf.div(tf.sum(tf.mul(t, p)), tf.maximum(tf.sum(t), 1e-7));
    }),
  );
}

/** Mean squared logarithmic error, which tfjs has as a loss but not as a named metric. */
export const msleMetric: MetricFn = named('msle', (yTrue, yPred) =>
  tf.tidy(() => {
    const log1p = (t: tf.Tensor) => tf.log1p(tf.relu(t));
    return tf.mean(tf.square(tf.sub(log1p(yPred), log1p(yTrue))), -1);
  }),
);

/** Huber loss (Keras's `huber`, delta 1): squared error near 0, absolute error beyond, so outliers weigh less. */
export const huberLoss: MetricFn = named('huber', (yTrue, yPred) => tf.losses.huberLoss(yTrue, yPred, undefined, 1, tf.Reduction.NONE).mean(-1));
