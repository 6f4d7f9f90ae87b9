import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { cpuKernel, floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

/** Softmax over the last axis, one pass per row (the cpu kernel runs five kernels: max, sub, exp, sum, div). */
export function nativeSoftmax(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.Softmax);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { logits } = args.inputs as { logits: tf.TensorInfo };
    const { dim } = args.attrs as unknown as tf.SoftmaxAttrs;
    const rank = logits.shape.length;
    const cols = logits.shape[rank - 1] ?? 0;
    const n = tf.util.sizeFromShape(logits.shape);
    if (logits.dtype !== 'float32' || rank === 0 || (dim !== -1 && dim !== rank - 1) || cols === 0 || n === 0) return fallback(args);
    const y = new Float32Array(n);
    native.softmaxRows(floatsOf(backend, logits), n / cols, cols, y);
    return backend.makeTensorInfo(logits.shape, 'float32', y);
  };
}

/** ArgMax over the last axis (accuracy metrics, the confusion matrix); others go to the cpu kernel. */
export function nativeArgMax(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.ArgMax);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis } = args.attrs as unknown as tf.ArgMaxAttrs;
    const rank = x.shape.length;
    const [only] = tf.util.parseAxisParam(axis, x.shape);
    const cols = x.shape[rank - 1] ?? 0;
    const n = tf.util.sizeFromShape(x.shape);
    if (x.dtype !== 'float32' || rank === 0 || only !== rank - 1 || cols === 0 || n === 0) return fallback(args);
    const out = new Int32Array(n / cols);
    native.argMaxRows(floatsOf(backend, x), n / cols, cols, out);
    return backend.makeTensorInfo(x.shape.slice(0, -1), 'int32', out);
  };
}
