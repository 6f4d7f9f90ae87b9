import * as tf from '@tensorflow/tfjs';
import { applyFusedSteps, hasFusedStep, slotOf, type OptimizerSlot } from './optimizer-step.kernel-contract.ts';

/** The fields of tfjs's Adadelta that its state and settings live in (private in its typings). */
interface AdadeltaInternals {
  accumulatedGrads: OptimizerSlot[];
  accumulatedUpdates: OptimizerSlot[];
  learningRate: number;
  rho: number;
  epsilon: number;
  incrementIterations(): void;
}

/** tfjs's Adadelta, each variable's step in one kernel where the backend has the fused step; see FusedAdam. */
export class FusedAdadelta extends tf.AdadeltaOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdadeltaOptimizer['applyGradients']>[0]): void {
    if (!hasFusedStep()) return super.applyGradients(variableGradients);
    const s = this as unknown as AdadeltaInternals;
    applyFusedSteps(
      variableGradients,
      (value, i) => ({ accumGrad: slotOf(s.accumulatedGrads, i, value, 'accum_grad'), accumVar: slotOf(s.accumulatedUpdates, i, value, 'accum_var') }),
      { optimizer: 'adadelta', learningRate: s.learningRate, rho: s.rho, epsilon: s.epsilon },
    );
    s.incrementIterations();
  }
}
