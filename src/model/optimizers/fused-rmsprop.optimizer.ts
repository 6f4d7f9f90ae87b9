import type * as tf from '@tensorflow/tfjs';
import { CenteredRMSProp, type RMSPropInternals } from './centered-rmsprop.optimizer.ts';
import { applyFusedSteps, hasFusedStep, slotOf } from './optimizer-step.kernel-contract.ts';

/**
 * CenteredRMSProp (plain, with momentum, or centered), each variable's step in one kernel
 * where the backend has the fused step; see FusedAdam. Same slots (`/rms`, `/momentum`, and
 * `/mg` only when centered) and checkpoints; elsewhere CenteredRMSProp's own ops.
 */
export class FusedRMSProp extends CenteredRMSProp {
  override applyGradients(variableGradients: Parameters<CenteredRMSProp['applyGradients']>[0]): void {
    if (!hasFusedStep()) return super.applyGradients(variableGradients);
    const s = this as unknown as RMSPropInternals;
    const attrs = { optimizer: 'rmsprop', learningRate: s.learningRate, decay: s.decay, momentum: s.momentum, epsilon: s.epsilon, centered: s.centered } as const;
    applyFusedSteps(
      variableGradients,
      (value, i): Record<string, tf.Variable> => {
        const rms = slotOf(s.accumulatedMeanSquares, i, value, 'rms');
        const momentum = slotOf(s.accumulatedMoments, i, value, 'momentum');
        return s.centered ? { rms, momentum, mg: slotOf(s.accumulatedMeanGrads, i, value, 'mg') } : { rms, momentum };
      },
      attrs,
    );
    this.incrementIterations();
  }
}
