import type * as tf from '@tensorflow/tfjs';
import { learningRateOf } from '../model/compile-model.ts';

export { learningRateOf };

/**
 * Changes a compiled optimizer's learning rate for the next steps. tfjs's optimizers keep
 * it in a `learningRate` field that adam, adamax, adagrad, adadelta and rmsprop read at
 * every step; SGD and momentum cache it as a scalar tensor that only `setLearningRate`
 * rebuilds, so setting the field alone would change nothing for them.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const opt = optimizer as unknown as { learningRate?: unknown; setLearningRate?: (lr: number) => void };
  if (typeof opt.learningRate !== 'number') throw new Error(`${optimizer.getClassName()} has no learning rate to change`);
  if (typeof opt.setLearningRate === 'function') opt.setLearningRate(learningRate);
  else opt.learningRate = learningRate;
}
