import * as tf from '@tensorflow/tfjs';

/**
 * A kernel a backend may offer for batch normalization in training mode: inputs { x, scale,
 * offset } with x's channels last, attrs { varianceEpsilon }; outputs [y, mean, variance], the
 * batch's own moments (variance biased, as tfjs's), with a gradient through them. The engine
 * has one (src/engine/kernels/batch-norm-training.kernel.ts); elsewhere tfjs's path runs.
 */
export const BATCH_NORM_TRAINING_KERNEL = 'TrainyardBatchNormTraining';

interface Variable {
  read(): tf.Tensor;
  write(value: tf.Tensor): void;
}

interface BatchNormalizationInternals {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: Variable | null;
  beta: Variable | null;
  movingMean: Variable;
  movingVariance: Variable;
}

type BatchNormalizationConstructor = new (args: Parameters<typeof tf.layers.batchNormalization>[0]) => tf.layers.Layer & BatchNormalizationInternals;

/** tfjs exports its BatchNormalization layer only through the `tf.layers.batchNormalization` factory. */
const TfjsBatchNormalization = Object.getPrototypeOf(tf.layers.batchNormalization({})).constructor as BatchNormalizationConstructor;

/**
 * tfjs's BatchNormalization, with training mode in one kernel where the backend has
 * BATCH_NORM_TRAINING_KERNEL: tfjs computes the batch's moments and normalizes with a dozen
 * full-size ops (and as many again for their gradients), which cost more than the
 * convolutions around them. The moving averages are updated exactly as tfjs does.
 *
 * It registers under tfjs's own class name, as TrainableConv2D does: saved models stay
 * standard Keras/tfjs JSON, and models loaded back get this class.
 */
export class FusedBatchNormalization extends TfjsBatchNormalization {
  static className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const { gamma, beta } = this;
    if (kwargs.training !== true || !gamma || !beta || !this.fusable(x)) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAINING_KERNEL, { x, scale: gamma.read(), offset: beta.read() }, { varianceEpsilon: this.epsilon }) as tf.Tensor[];
      this.moveAverage(this.movingMean, mean);
      this.moveAverage(this.movingVariance, variance);
      return y;
    });
  }

  private fusable(x: tf.Tensor): boolean {
    const channelsLast = this.axis === -1 || this.axis === x.rank - 1;
    return channelsLast && x.rank >= 2 && x.dtype === 'float32' && tf.getKernel(BATCH_NORM_TRAINING_KERNEL, tf.getBackend()) !== undefined;
  }

  /** average ← average − (average − value)·(1 − momentum), tfjs's update. */
  private moveAverage(average: Variable, value: tf.Tensor): void {
    tf.tidy(() => {
      const current = average.read();
      average.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - this.momentum)));
    });
  }
}

// Replaces tfjs's `BatchNormalization` in the deserialization registry (see above).
tf.serialization.registerClass(FusedBatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
