import * as tf from '@tensorflow/tfjs';
import { applyFusedStep, gradientsOf, hasFusedStep } from './optimizer-step.kernel-contract.ts';

/** tfjs's SGD, each variable's step in one kernel where the backend has the fused step; see FusedAdam. */
export class FusedSGD extends tf.SGDOptimizer {
  override applyGradients(variableGradients: Parameters<tf.SGDOptimizer['applyGradients']>[0]): void {
    if (!hasFusedStep()) return super.applyGradients(variableGradients);
    for (const { value, gradient } of gradientsOf(variableGradients)) {
      if (gradient) applyFusedStep(value, gradient, {}, { optimizer: 'sgd', learningRate: this.learningRate });
    }
    this.incrementIterations();
  }
}
