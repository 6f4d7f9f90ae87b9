import * as tf from '@tensorflow/tfjs';
import { OPTIMIZER_STEP_KERNEL, type OptimizerStepAttrs } from '../../model/optimizers/optimizer-step.kernel-contract.ts';
import type { NativeEngine } from '../native-engine.ts';
import { floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

export { OPTIMIZER_STEP_KERNEL };

type OptimizerName = OptimizerStepAttrs['optimizer'];
type AttrsOf<K extends OptimizerName> = Extract<OptimizerStepAttrs, { optimizer: K }>;

/** One step: `read(input)` is an input's values, `fresh()` a new output array; returns [new value, ...new slots]. */
type NativeStep<K extends OptimizerName> = (native: NativeEngine, attrs: AttrsOf<K>, read: (input: string) => Float32Array, fresh: () => Float32Array) => Float32Array[];

/** Each optimizer's native step, by the contract's input names. */
const STEPS: { [K in OptimizerName]: NativeStep<K> } = {
  sgd(native, a, read, fresh) {
    const newValue = fresh();
    native.sgdStep(read('value'), read('gradient'), a.learningRate, newValue);
    return [newValue];
  },
  momentum(native, a, read, fresh) {
    const [newValue, newAccumulation] = [fresh(), fresh()];
    native.momentumStep(read('value'), read('gradient'), read('accumulation'), a.learningRate, a.momentum, a.useNesterov ? 1 : 0, newValue, newAccumulation);
    return [newValue, newAccumulation];
  },
  adam(native, a, read, fresh) {
    const [newValue, newM, newV] = [fresh(), fresh(), fresh()];
    native.adamStep(read('value'), read('gradient'), read('m'), read('v'), a.learningRate, a.beta1, a.beta2, a.epsilon, a.oneMinusAccBeta1, a.oneMinusAccBeta2, newValue, newM, newV);
    return [newValue, newM, newV];
  },
  rmsprop(native, a, read, fresh) {
    const [newValue, newMs, newMom] = [fresh(), fresh(), fresh()];
    const [mg, newMg] = a.centered ? [read('mg'), fresh()] : [null, null];
    native.rmspropStep(read('value'), read('gradient'), read('rms'), read('momentum'), mg, a.learningRate, a.decay, a.momentum, a.epsilon, newValue, newMs, newMom, newMg);
    return newMg ? [newValue, newMs, newMom, newMg] : [newValue, newMs, newMom];
  },
  adagrad(native, a, read, fresh) {
    const [newValue, newAccumulator] = [fresh(), fresh()];
    native.adagradStep(read('value'), read('gradient'), read('accumulator'), a.learningRate, a.epsilon, newValue, newAccumulator);
    return [newValue, newAccumulator];
  },
  adadelta(native, a, read, fresh) {
    const [newValue, newAccumGrad, newAccumVar] = [fresh(), fresh(), fresh()];
    native.adadeltaStep(read('value'), read('gradient'), read('accumGrad'), read('accumVar'), a.learningRate, a.rho, a.epsilon, newValue, newAccumGrad, newAccumVar);
    return [newValue, newAccumGrad, newAccumVar];
  },
  adamax(native, a, read, fresh) {
    const [newValue, newM, newV] = [fresh(), fresh(), fresh()];
    native.adamaxStep(read('value'), read('gradient'), read('m'), read('v'), a.beta1, a.beta2, a.epsilon, a.stepSize, newValue, newM, newV);
    return [newValue, newM, newV];
  },
};

/** OPTIMIZER_STEP_KERNEL on the engine: one native pass per variable, writing new arrays. */
export function nativeOptimizerStep(native: NativeEngine): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as CpuBackend;
    const inputs = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs as unknown as OptimizerStepAttrs;
    const { value } = inputs;
    const step = STEPS[attrs.optimizer] as NativeStep<OptimizerName> | undefined;
    if (!step) throw new Error(`${OPTIMIZER_STEP_KERNEL}: no native step for optimizer ${String(attrs.optimizer)}`);
    const outputs = step(native, attrs, (input) => floatsOf(backend, inputs[input]), () => new Float32Array(tf.util.sizeFromShape(value.shape)));
    return outputs.map((a) => backend.makeTensorInfo(value.shape, 'float32', a));
  };
}
