import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { cpuKernel, floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

/** Native codes of the unary ops (elementwise.h). */
export const UNARY_OPS = {
  [tf.Relu]: 0,
  [tf.Step]: 1,
  [tf.Sqrt]: 2,
  [tf.Square]: 3,
  [tf.Neg]: 4,
  [tf.Tanh]: 5,
  [tf.Sigmoid]: 6,
  [tf.Exp]: 7,
  [tf.Log]: 8,
  [tf.Abs]: 9,
  [tf.Floor]: 10,
  [tf.Rsqrt]: 11,
  [tf.Elu]: 12,
  [tf.Relu6]: 13,
  [tf.Softplus]: 14,
  [tf.Selu]: 15,
  [tf.Erf]: 16,
} as const;

/** The element-wise functions of UNARY_OPS (Step is relu's gradient) on float32 tensors; other dtypes go to the cpu kernel. */
export function nativeUnary(native: NativeEngine, kernelName: keyof typeof UNARY_OPS): tf.KernelFunc {
  const fallback = cpuKernel(kernelName);
  const op = UNARY_OPS[kernelName];
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const n = tf.util.sizeFromShape(x.shape);
    if (x.dtype !== 'float32' || n === 0) return fallback(args);
    const alpha = (args.attrs as { alpha?: number } | undefined)?.alpha ?? 0;
    const y = new Float32Array(n);
    native.unary(op, n, floatsOf(backend, x), alpha, y);
    return backend.makeTensorInfo(x.shape, 'float32', y);
  };
}
