import { ResumableAdamax, type AdamaxInternals } from './adamax.optimizer.ts';
import { applyFusedSteps, assignScalar, hasFusedStep, scalarValue, slotOf } from './optimizer-step.kernel-contract.ts';

/** The Adamax settings the step reads besides its state (private in tfjs's typings). */
interface AdamaxSettings extends AdamaxInternals {
  learningRate: number;
  beta2: number;
  epsilon: number;
  decay: number;
}

/**
 * ResumableAdamax (tfjs's Adamax, learning-rate decay included), each variable's step in one
 * kernel where the backend has the fused step; see FusedAdam. The few scalars tfjs computes
 * with float32 ops per step (the decayed rate, 1 − β1^t, the counters) are computed here,
 * rounded as those ops round; same state and checkpoints.
 */
export class FusedAdamax extends ResumableAdamax {
  override applyGradients(variableGradients: Parameters<ResumableAdamax['applyGradients']>[0]): void {
    if (!hasFusedStep()) return super.applyGradients(variableGradients);
    const s = this as unknown as AdamaxSettings;
    const [iteration, accBeta1] = [scalarValue(s.iteration), scalarValue(s.accBeta1)];
    const attrs = { optimizer: 'adamax', beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, stepSize: this.stepSize(iteration, accBeta1) } as const;
    applyFusedSteps(variableGradients, (value, i) => ({ m: slotOf(s.accumulatedFirstMoment, i, value, 'm'), v: slotOf(s.accumulatedWeightedInfNorm, i, value, 'v') }), attrs);
    assignScalar(s.iteration, iteration + 1);
    assignScalar(s.accBeta1, accBeta1 * Math.fround(s.beta1));
    this.incrementIterations();
  }

  /** tfjs's lr / (1 + decay · t) / (1 − β1^t), one float32 rounding per op as its scalar ops take them. */
  private stepSize(iteration: number, accBeta1: number): number {
    const f = Math.fround;
    const s = this as unknown as AdamaxSettings;
    const decayed = f(f(-s.learningRate) / f(f(iteration * f(s.decay)) + 1));
    return -f(decayed / f(1 - accBeta1));
  }
}
