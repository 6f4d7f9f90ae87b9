import * as tf from '@tensorflow/tfjs';

/**
 * A kernel a backend may offer for one optimizer step of one variable: inputs { value,
 * gradient, ...the optimizer's slots }, attrs { optimizer, ...its settings }, outputs [new
 * value, ...new slots], in the slots' order. The engine has one
 * (src/engine/kernels/optimizer-step.kernel.ts); elsewhere the optimizers run tfjs's ops.
 *
 * Each is tfjs's arithmetic in tfjs's order (CenteredRMSProp's for centered RMSProp), every
 * op and scalar rounded to float32 as tfjs's cpu kernels round them.
 *
 * - sgd: no slots; attrs learningRate.
 * - momentum: slot accumulation; attrs learningRate, momentum, useNesterov.
 * - adam: slots m, v; attrs learningRate, beta1, beta2, epsilon, oneMinusAccBeta1, oneMinusAccBeta2.
 * - rmsprop: slots rms, momentum, and mg when centered; attrs learningRate, decay, momentum,
 *   epsilon, centered (the root of max(ms − mg², 0) + ε, not tfjs's ms − (mg² + ε)).
 * - adagrad: slot accumulator; attrs learningRate, epsilon (the backend's, as tfjs's Adagrad takes it).
 * - adadelta: slots accumGrad, accumVar; attrs learningRate, rho, epsilon.
 * - adamax: slots m, v (the weighted infinity norm); attrs beta1, beta2, epsilon, stepSize:
 *   lr / (1 + decay · t) / (1 − β1^t), computed as tfjs's float32 scalars compute it.
 */
export const OPTIMIZER_STEP_KERNEL = 'TrainyardOptimizerStep';

export type OptimizerStepAttrs =
  | { optimizer: 'sgd'; learningRate: number }
  | { optimizer: 'momentum'; learningRate: number; momentum: number; useNesterov: boolean }
  | { optimizer: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number; oneMinusAccBeta1: number; oneMinusAccBeta2: number }
  | { optimizer: 'rmsprop'; learningRate: number; decay: number; momentum: number; epsilon: number; centered: boolean }
  | { optimizer: 'adagrad'; learningRate: number; epsilon: number }
  | { optimizer: 'adadelta'; learningRate: number; rho: number; epsilon: number }
  | { optimizer: 'adamax'; beta1: number; beta2: number; epsilon: number; stepSize: number };

/** One optimizer slot as tfjs keeps it: `<variable>/<slot>` and its variable. */
export interface OptimizerSlot {
  originalName: string;
  variable: tf.Variable;
}

type VariableGradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

/** Each trained variable with its gradient (null where it has none), in tfjs's order: slots are indexed by it. */
function gradientsOf(variableGradients: VariableGradients): { value: tf.Variable; gradient: tf.Tensor | null }[] {
  const entries = Array.isArray(variableGradients) ? variableGradients.map((v) => [v.name, v.tensor] as const) : Object.entries(variableGradients);
  return entries.map(([name, gradient]) => ({ value: tf.engine().registeredVariables[name], gradient: gradient ?? null }));
}

/** Whether this backend runs OPTIMIZER_STEP_KERNEL (the engine does). */
export function hasFusedStep(): boolean {
  return tf.getKernel(OPTIMIZER_STEP_KERNEL, tf.getBackend()) !== undefined;
}

/** The slot at `index`, created as tfjs creates it (zeros like the variable, or `initial` everywhere; not trainable) when missing. */
export function slotOf(slots: OptimizerSlot[], index: number, value: tf.Variable, suffix: string, initial = 0): tf.Variable {
  const fresh = () => (initial === 0 ? tf.zerosLike(value) : tf.fill(value.shape, initial));
  slots[index] ??= { originalName: `${value.name}/${suffix}`, variable: tf.tidy(() => fresh().variable(false)) };
  return slots[index].variable;
}

/** A float32 scalar variable's value. */
export function scalarValue(variable: tf.Variable): number {
  return variable.dataSync()[0];
}

/**
 * Sets a scalar variable (an iteration count, β^t) to `value` rounded to float32: the
 * optimizers compute these few scalars in JS, as tfjs's float32 ops would, rather than run a
 * kernel for each.
 */
export function assignScalar(variable: tf.Variable, value: number): void {
  tf.tidy(() => variable.assign(tf.scalar(Math.fround(value))));
}

/**
 * One fused step per trained variable, in tfjs's order: `slotsOf(value, index)` gives (and, as
 * tfjs does, creates even for a variable without a gradient) the variable's slots, by the
 * kernel's input names; a variable without a gradient is not stepped.
 */
export function applyFusedSteps(variableGradients: VariableGradients, slotsOf: (value: tf.Variable, index: number) => Record<string, tf.Variable>, attrs: OptimizerStepAttrs): void {
  gradientsOf(variableGradients).forEach(({ value, gradient }, i) => {
    const slots = slotsOf(value, i);
    if (gradient) applyFusedStep(value, gradient, slots, attrs);
  });
}

/** Runs one fused step and assigns its outputs to the variable and its slots, in order. */
function applyFusedStep(value: tf.Variable, gradient: tf.Tensor, slots: Record<string, tf.Variable>, attrs: OptimizerStepAttrs): void {
  tf.tidy(() => {
    const outputs = tf.engine().runKernel(OPTIMIZER_STEP_KERNEL, { value, gradient, ...slots }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    [value, ...Object.values(slots)].forEach((variable, i) => variable.assign(outputs[i]));
  });
}
