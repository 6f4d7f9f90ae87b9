import * as tf from '@tensorflow/tfjs';

/**
 * A kernel a backend may offer for one optimizer step of one variable: inputs { value,
 * gradient, ...the optimizer's slots }, attrs { optimizer, ...its settings }, outputs [new
 * value, ...new slots], in the slots' order. The engine has one
 * (src/engine/kernels/optimizer-step.kernel.ts); elsewhere the optimizers run tfjs's ops.
 *
 * - adam: slots m, v; attrs learningRate, beta1, beta2, epsilon, oneMinusAccBeta1, oneMinusAccBeta2.
 * - momentum: slot accumulation; attrs learningRate, momentum, useNesterov.
 */
export const OPTIMIZER_STEP_KERNEL = 'TrainyardOptimizerStep';

export type OptimizerStepAttrs =
  | { optimizer: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number; oneMinusAccBeta1: number; oneMinusAccBeta2: number }
  | { optimizer: 'momentum'; learningRate: number; momentum: number; useNesterov: boolean };

/** One optimizer slot as tfjs keeps it: `<variable>/<slot>` and its variable. */
export interface OptimizerSlot {
  originalName: string;
  variable: tf.Variable;
}

type VariableGradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

/** Each trained variable with its gradient (null where it has none), in tfjs's order: slots are indexed by it. */
export function gradientsOf(variableGradients: VariableGradients): { value: tf.Variable; gradient: tf.Tensor | null }[] {
  const entries = Array.isArray(variableGradients) ? variableGradients.map((v) => [v.name, v.tensor] as const) : Object.entries(variableGradients);
  return entries.map(([name, gradient]) => ({ value: tf.engine().registeredVariables[name], gradient: gradient ?? null }));
}

/** Whether this backend runs OPTIMIZER_STEP_KERNEL (the engine does). */
export function hasFusedStep(): boolean {
  return tf.getKernel(OPTIMIZER_STEP_KERNEL, tf.getBackend()) !== undefined;
}

/** The slot at `index`, created as tfjs creates it (zeros like the variable, not trainable) when missing. */
export function slotOf(slots: OptimizerSlot[], index: number, value: tf.Variable, suffix: string): tf.Variable {
  slots[index] ??= { originalName: `${value.name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
  return slots[index].variable;
}

/** Runs one fused step and assigns its outputs to the variable and its slots, in order. */
export function applyFusedStep(value: tf.Variable, gradient: tf.Tensor, slots: Record<string, tf.Variable>, attrs: OptimizerStepAttrs): void {
  tf.tidy(() => {
    const outputs = tf.engine().runKernel(OPTIMIZER_STEP_KERNEL, { value, gradient, ...slots }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    [value, ...Object.values(slots)].forEach((variable, i) => variable.assign(outputs[i]));
  });
}
