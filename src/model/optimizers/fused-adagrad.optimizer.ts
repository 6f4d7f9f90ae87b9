import * as tf from '@tensorflow/tfjs';
import { applyFusedSteps, hasFusedStep, slotOf, type OptimizerSlot } from './optimizer-step.kernel-contract.ts';

/** The fields of tfjs's Adagrad that its state and settings live in (private in its typings). */
interface AdagradInternals {
  accumulatedGrads: OptimizerSlot[];
  initialAccumulatorValue: number;
  learningRate: number;
  incrementIterations(): void;
}

/**
 * tfjs's Adagrad, each variable's step in one kernel where the backend has the fused step;
 * see FusedAdam. Its accumulators start at initialAccumulatorValue and its epsilon is the
 * backend's, as tfjs's.
 */
export class FusedAdagrad extends tf.AdagradOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdagradOptimizer['applyGradients']>[0]): void {
    if (!hasFusedStep()) return super.applyGradients(variableGradients);
    const s = this as unknown as AdagradInternals;
    const epsilon = tf.backend().epsilon();
    applyFusedSteps(variableGradients, (value, i) => ({ accumulator: slotOf(s.accumulatedGrads, i, value, 'accumulator', s.initialAccumulatorValue) }), {
      optimizer: 'adagrad',
      learningRate: s.learningRate,
      epsilon,
    });
    s.incrementIterations();
  }
}
