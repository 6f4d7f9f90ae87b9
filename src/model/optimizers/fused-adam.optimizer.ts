import * as tf from '@tensorflow/tfjs';
import { applyFusedSteps, assignScalar, hasFusedStep, scalarValue, slotOf, type OptimizerSlot } from './optimizer-step.kernel-contract.ts';

/** The fields of tfjs's Adam that its state lives in (private in its typings). */
interface AdamInternals {
  accumulatedFirstMoment: OptimizerSlot[];
  accumulatedSecondMoment: OptimizerSlot[];
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  incrementIterations(): void;
}

/**
 * tfjs's Adam, each variable's step in one kernel where the backend has the fused step (the
 * engine): tfjs runs a dozen element-wise ops per variable, and a model of many small
 * variables spends more on their bookkeeping than on the arithmetic. Same state, same names,
 * same checkpoints as tfjs's; the same values to the bit (its β^t too, computed here as tfjs's
 * float32 multiply computes it, rather than by a kernel).
 */
export class FusedAdam extends tf.AdamOptimizer {
  static override get className() {
    return 'Adam';
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!hasFusedStep()) return super.applyGradients(variableGradients);
    const s = this as unknown as AdamInternals;
    const [accBeta1, accBeta2] = [scalarValue(s.accBeta1), scalarValue(s.accBeta2)];
    const oneMinusAccBeta1 = Math.fround(1 - accBeta1);
    const oneMinusAccBeta2 = Math.fround(1 - accBeta2);
    applyFusedSteps(
      variableGradients,
      (value, i) => ({ m: slotOf(s.accumulatedFirstMoment, i, value, 'm'), v: slotOf(s.accumulatedSecondMoment, i, value, 'v') }),
      { optimizer: 'adam', learningRate: s.learningRate, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, oneMinusAccBeta1, oneMinusAccBeta2 },
    );
    assignScalar(s.accBeta1, accBeta1 * Math.fround(s.beta1));
    assignScalar(s.accBeta2, accBeta2 * Math.fround(s.beta2));
    s.incrementIterations();
  }
}
