import * as tf from '@tensorflow/tfjs';
import { applyFusedSteps, hasFusedStep, slotOf, type OptimizerSlot } from './optimizer-step.kernel-contract.ts';

/** The fields of tfjs's Momentum optimizer that its state lives in (private in its typings). */
interface MomentumInternals {
  accumulations: OptimizerSlot[];
  momentum: number;
  useNesterov: boolean;
  learningRate: number;
  incrementIterations(): void;
}

/** tfjs's Momentum (and Nesterov) optimizer, each variable's step in one kernel where the backend has the fused step; see FusedAdam. */
export class FusedMomentum extends tf.MomentumOptimizer {
  static override get className() {
    return 'Momentum';
  }

  override applyGradients(variableGradients: Parameters<tf.MomentumOptimizer['applyGradients']>[0]): void {
    if (!hasFusedStep()) return super.applyGradients(variableGradients);
    const s = this as unknown as MomentumInternals;
    applyFusedSteps(variableGradients, (value, i) => ({ accumulation: slotOf(s.accumulations, i, value, 'momentum') }), {
      optimizer: 'momentum',
      learningRate: s.learningRate,
      momentum: s.momentum,
      useNesterov: s.useNesterov,
    });
    s.incrementIterations();
  }
}
