import * as tf from '@tensorflow/tfjs';
import { applyFusedSteps, hasFusedStep } from './optimizer-step.kernel-contract.ts';

/** tfjs's SGD, each variable's step in one kernel where the backend has the fused step; see FusedAdam. */
export class FusedSGD extends tf.SGDOptimizer {
  override applyGradients(variableGradients: Parameters<tf.SGDOptimizer['applyGradients']>[0]): void {
    if (!hasFusedStep()) return super.applyGradients(variableGradients);
    applyFusedSteps(variableGradients, () => ({}), { optimizer: 'sgd', learningRate: this.learningRate });
    this.incrementIterations();
  }
}
