import * as tf from '@tensorflow/tfjs';

/** tfjs exports the type of an optimizer's saved slots only through its methods. */
type NamedTensor = Parameters<tf.Optimizer['setWeights']>[0][number];

/** The fields of tfjs's Adamax that its state lives in (private in its typings). */
export interface AdamaxInternals {
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedWeightedInfNorm: { originalName: string; variable: tf.Variable }[];
  iteration: tf.Variable;
  accBeta1: tf.Variable;
  beta1: number;
}

/**
 * tfjs 4.22's Adamax trains but throws from getWeights/setWeights ("not implemented for
 * Adamax yet"), so a run with it failed at its first checkpoint. This is tfjs's Adamax with
 * both implemented, in the order tfjs's Adam uses: the iteration count, every first moment
 * (`<var>/m`), every weighted infinity norm (`<var>/v`). Restoring also sets the step
 * counter its learning-rate decay reads and beta1^t (checkpoint.ts then assigns the saved
 * beta1^t exactly, as for Adam). Registered under tfjs's class name `Adamax`, so a model
 * whose training config names Adamax gets this class too.
 */
export class ResumableAdamax extends tf.AdamaxOptimizer {
  static override get className() {
    return 'Adamax';
  }

  private get state(): AdamaxInternals {
    return this as unknown as AdamaxInternals;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const { accumulatedFirstMoment: m, accumulatedWeightedInfNorm: v } = this.state;
    return [await this.saveIterations(), ...[...m, ...v].map((s) => ({ name: s.originalName, tensor: s.variable }))];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const slots = await this.extractIterations(weightValues);
    const half = slots.length / 2;
    const s = this.state;
    tf.dispose([...s.accumulatedFirstMoment, ...s.accumulatedWeightedInfNorm].map((x) => x.variable));
    const toSlot = (w: NamedTensor) => ({ originalName: w.name, variable: w.tensor.variable(false) });
    s.accumulatedFirstMoment = slots.slice(0, half).map(toSlot);
    s.accumulatedWeightedInfNorm = slots.slice(half).map(toSlot);
    s.iteration.assign(tf.scalar(this.iterations));
    // After t steps tfjs's accBeta1 holds beta1^(t+1) (it starts at beta1).
    s.accBeta1.assign(tf.scalar(Math.pow(s.beta1, this.iterations + 1)));
  }
}

tf.serialization.registerClass(ResumableAdamax);
