import * as tf from '@tensorflow/tfjs';
import { OPTIMIZER_STEP_KERNEL, type OptimizerStepAttrs } from '../../model/optimizers/optimizer-step.kernel-contract.ts';
import type { NativeEngine } from '../native-engine.ts';
import { floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

export { OPTIMIZER_STEP_KERNEL };

/** OPTIMIZER_STEP_KERNEL on the engine: one native pass per variable, writing new arrays. */
export function nativeOptimizerStep(native: NativeEngine): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as CpuBackend;
    const inputs = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs as unknown as OptimizerStepAttrs;
    const { value } = inputs;
    const read = (name: string) => floatsOf(backend, inputs[name]);
    const fresh = () => new Float32Array(tf.util.sizeFromShape(value.shape));
    const out = (arrays: Float32Array[]) => arrays.map((a) => backend.makeTensorInfo(value.shape, 'float32', a));
    if (attrs.optimizer === 'adam') {
      const [newValue, newM, newV] = [fresh(), fresh(), fresh()];
      native.adamStep(read('value'), read('gradient'), read('m'), read('v'), attrs.learningRate, attrs.beta1, attrs.beta2, attrs.epsilon, attrs.oneMinusAccBeta1, attrs.oneMinusAccBeta2, newValue, newM, newV);
      return out([newValue, newM, newV]);
    }
    const [newValue, newAccumulation] = [fresh(), fresh()];
    native.momentumStep(read('value'), read('gradient'), read('accumulation'), attrs.learningRate, attrs.momentum, attrs.useNesterov ? 1 : 0, newValue, newAccumulation);
    return out([newValue, newAccumulation]);
  };
}
