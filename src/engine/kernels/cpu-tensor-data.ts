import * as tf from '@tensorflow/tfjs';
import { countedFallback } from '../fallback-stats.ts';

/**
 * What the engine's kernels use of tfjs's `MathBackendCPU` (the engine backend is one):
 * tensors live in JS typed arrays, found by dataId, and results are handed back as new
 * typed arrays. tfjs does not export the class's type, so this is the slice we rely on.
 */
export interface CpuBackend extends tf.KernelBackend {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
  /** One more tensor shares this data (an output that is its input, as Identity's is). */
  incRef(dataId: tf.DataId): void;
}

/** The tensor's values as a Float32Array (copied only when stored otherwise). */
export function floatsOf(backend: CpuBackend, t: tf.TensorInfo): Float32Array {
  const values = backend.data.get(t.dataId).values;
  if (values instanceof Float32Array) return values;
  return Float32Array.from(values as ArrayLike<number>);
}

export const isFloat = (...ts: (tf.TensorInfo | undefined | null)[]) => ts.every((t) => t == null || t.dtype === 'float32');

/** Codes of the activations the native side fuses; others stay with the cpu kernels. */
export const ACTIVATION_CODES: Record<string, number> = { linear: 0, relu: 1, relu6: 2, elu: 3, sigmoid: 4, leakyrelu: 5 };

/** The cpu backend's own kernel, counted as a fallback, for the cases a native kernel does not take (NCHW, prelu, int32...). */
export function cpuKernel(name: string): tf.KernelFunc {
  const config = tf.getKernel(name, 'cpu');
  if (!config) throw new Error(`tfjs's cpu backend has no ${name} kernel`);
  return countedFallback(name, config.kernelFunc);
}
