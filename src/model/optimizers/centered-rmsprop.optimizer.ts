import * as tf from '@tensorflow/tfjs';

/** tfjs exports the type of an optimizer's saved slots only through its methods. */
type NamedTensor = Parameters<tf.Optimizer['setWeights']>[0][number];

type Slot = { originalName: string; variable: tf.Variable };

/** The fields of tfjs's RMSProp that its state and settings live in (private in its typings). */
export interface RMSPropInternals {
  accumulatedMeanSquares: Slot[];
  accumulatedMoments: Slot[];
  accumulatedMeanGrads: Slot[];
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
}

/**
 * tfjs 4.22's centered RMSProp divides by sqrt(ms − (mg² + ε)): it subtracts epsilon under
 * the root, so as soon as a gradient's variance estimate is below ε (small gradients, the
 * first steps) the root is of a negative number and the weights become NaN — no learning
 * rate helps. This is tfjs's RMSProp with the centered step of Keras/TensorFlow,
 * sqrt(max(ms − mg², 0) + ε); the plain (uncentered) step and the saved state
 * (getWeights/setWeights, `<var>/rms`, `/momentum`, `/mg`) are tfjs's own. Registered under
 * tfjs's class name `RMSProp`, so deserialized training configs get it too.
 */
export class CenteredRMSProp extends tf.RMSPropOptimizer {
  static override get className() {
    return 'RMSProp';
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const s = this as unknown as RMSPropInternals;
    if (!s.centered) return super.applyGradients(variableGradients);
    const entries = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor] as const) : Object.entries(variableGradients);
    entries.forEach(([name, gradient], i) => {
      const value = tf.engine().registeredVariables[name];
      const slot = (list: Slot[], suffix: string) => (list[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) });
      const [ms, mom, mg] = [slot(s.accumulatedMeanSquares, 'rms'), slot(s.accumulatedMoments, 'momentum'), slot(s.accumulatedMeanGrads, 'mg')];
      if (gradient == null) return;
      tf.tidy(() => {
        const newMs = tf.add(tf.mul(ms.variable, s.decay), tf.mul(tf.square(gradient), 1 - s.decay));
        const newMg = tf.add(tf.mul(mg.variable, s.decay), tf.mul(gradient, 1 - s.decay));
        const variance = tf.relu(tf.sub(newMs, tf.square(newMg)));
        const step = tf.div(tf.mul(gradient, s.learningRate), tf.sqrt(tf.add(variance, s.epsilon)));
        const newMom = tf.add(tf.mul(mom.variable, s.momentum), step);
        ms.variable.assign(newMs);
        mg.variable.assign(newMg);
        mom.variable.assign(newMom);
        value.assign(tf.sub(value, newMom));
      });
    });
    this.incrementIterations();
  }
}

tf.serialization.registerClass(CenteredRMSProp);
