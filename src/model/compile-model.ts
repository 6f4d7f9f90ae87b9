import * as tf from '@tensorflow/tfjs';
import { type CompileSpec, type LossName, type MetricName, type OptimizerSpec, type OptimizerType } from '../spec/compile-spec.schema.ts';
import { tfjsMetricName } from '../spec/metric-names.ts';
import { huberLoss, msleMetric, precisionMetric, recallMetric } from './metric-functions.ts';
import { FusedAdadelta } from './optimizers/fused-adadelta.optimizer.ts';
import { FusedAdagrad } from './optimizers/fused-adagrad.optimizer.ts';
import { FusedAdam } from './optimizers/fused-adam.optimizer.ts';
import { FusedAdamax } from './optimizers/fused-adamax.optimizer.ts';
import { FusedMomentum } from './optimizers/fused-momentum.optimizer.ts';
import { FusedRMSProp } from './optimizers/fused-rmsprop.optimizer.ts';
import { FusedSGD } from './optimizers/fused-sgd.optimizer.ts';

/** Learning rates used when a spec names none: Keras's defaults where tfjs has none of its own. */
export const DEFAULT_LEARNING_RATES: Record<OptimizerType, number> = {
  sgd: 0.01,
  momentum: 0.01,
  adam: 0.001,
  rmsprop: 0.001,
  adagrad: 0.01,
  adadelta: 0.001,
  adamax: 0.002,
};

/**
 * A tfjs optimizer from its spec; unset settings take tfjs's defaults (momentum: 0.9).
 * RMSProp and Adamax are tfjs's with its gaps filled: a centered step that cannot take the
 * root of a negative number, and Adamax state that checkpoints can save. Every one takes
 * each variable's step in one kernel on the engine (the Fused* classes in optimizers/).
 */
export function createOptimizer(spec: OptimizerSpec): tf.Optimizer {
  const lr = spec.learningRate ?? DEFAULT_LEARNING_RATES[spec.type];
  switch (spec.type) {
    case 'sgd':
      return new FusedSGD(lr);
    case 'momentum':
      return new FusedMomentum(lr, spec.momentum ?? 0.9, spec.useNesterov ?? false);
    case 'adam':
      return new FusedAdam(lr, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon);
    case 'rmsprop':
      return new FusedRMSProp(lr, spec.decay ?? 0.9, spec.momentum ?? 0, spec.epsilon, spec.centered ?? false);
    case 'adagrad':
      return new FusedAdagrad(lr, spec.initialAccumulatorValue ?? 0.1);
    case 'adadelta':
      return new FusedAdadelta(lr, spec.rho ?? 0.95, spec.epsilon);
    case 'adamax':
      return new FusedAdamax(lr, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.epsilon, spec.decay ?? 0);
  }
}

type TfjsMetric = string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor);

/**
 * The metrics handed to tfjs. Every accuracy variant becomes `acc`: tfjs then picks binary,
 * categorical or sparse accuracy from the loss and output (so `acc` is right with
 * sparseCategoricalCrossentropy too) and names it `acc` / `val_acc` in the history.
 * precision, recall and msle are our functions (tfjs lacks or mis-thresholds them), reported
 * under those names; the rest are tfjs's by name.
 */
export function tfjsMetrics(metrics: readonly MetricName[] = [], loss: LossName = 'meanSquaredError'): TfjsMetric[] {
  return [...new Set(metrics.map(tfjsMetricName))].map((m) => {
    if (m === 'precision') return precisionMetric(loss);
    if (m === 'recall') return recallMetric(loss);
    if (m === 'msle') return msleMetric;
    return m;
  });
}

/** The loss handed to tfjs: its name, or our function for the ones tfjs's layers API lacks. */
export function tfjsLoss(loss: LossName): TfjsMetric {
  return loss === 'huber' ? huberLoss : loss;
}

/** Compiles `model` with a fresh optimizer from the spec; returns the optimizer (its state is saved with checkpoints). */
export function compileModel(model: tf.LayersModel, spec: CompileSpec): tf.Optimizer {
  const optimizer = createOptimizer(spec.optimizer);
  model.compile({ optimizer, loss: tfjsLoss(spec.loss), metrics: tfjsMetrics(spec.metrics, spec.loss) });
  return optimizer;
}

/** The optimizer's current learning rate; tfjs keeps it in a protected field. */
export function learningRateOf(optimizer: tf.Optimizer): number | undefined {
  const lr = (optimizer as unknown as { learningRate?: unknown }).learningRate;
  return typeof lr === 'number' ? lr : undefined;
}
