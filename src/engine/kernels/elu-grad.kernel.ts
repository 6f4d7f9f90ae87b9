import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { cpuKernel, floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

/** Native code of elu's gradient among the binary ops (elementwise.h's BinaryOp::elu_grad). */
const ELU_GRAD = 8;

/** EluGrad: dx = dy where elu's output y >= 0, else dy · (y + 1). */
export function nativeEluGrad(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.EluGrad);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { dy, y } = args.inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
    const n = tf.util.sizeFromShape(dy.shape);
    if (dy.dtype !== 'float32' || y.dtype !== 'float32' || n === 0 || tf.util.sizeFromShape(y.shape) !== n) return fallback(args);
    const dx = new Float32Array(n);
    native.binary(ELU_GRAD, n, floatsOf(backend, dy), 0, 0, floatsOf(backend, y), 0, 0, dx);
    return backend.makeTensorInfo(dy.shape, 'float32', dx);
  };
}
