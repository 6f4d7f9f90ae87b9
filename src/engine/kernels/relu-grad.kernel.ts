import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

/** A kernel of the engine's own (no other backend has it): relu's gradient in one pass. */
export const RELU_GRAD_KERNEL = 'TrainyardReluGrad';
/** Native code of relu's gradient among the binary ops (elementwise.h's BinaryOp::relu_grad). */
const RELU_GRAD = 9;

/** dx = dy where x > 0, else 0: one read of each, where tfjs's gradient runs Step, a Cast and a Multiply. */
export function nativeReluGrad(native: NativeEngine): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const n = tf.util.sizeFromShape(dy.shape);
    const dx = new Float32Array(n);
    native.binary(RELU_GRAD, n, floatsOf(backend, dy), 0, 0, floatsOf(backend, x), 0, 0, dx);
    return backend.makeTensorInfo(dy.shape, 'float32', dx);
  };
}

/** Relu's gradient through RELU_GRAD_KERNEL on the engine for float32 tensors; tfjs's own everywhere else. */
export function registerReluGradient(engineName: string): void {
  const original = tf.getGradient(tf.Relu);
  if (!original || (original as { fused?: boolean }).fused) return;
  const config: tf.GradConfig & { fused: boolean } = {
    ...original,
    fused: true,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const fusable = tf.getBackend() === engineName && !Array.isArray(dy) && dy.dtype === 'float32' && x.dtype === 'float32' && dy.size === x.size && dy.size > 0;
      if (!fusable) return original.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: dy as tf.Tensor, x }) as tf.Tensor };
    },
  };
  tf.registerGradient(config);
}
