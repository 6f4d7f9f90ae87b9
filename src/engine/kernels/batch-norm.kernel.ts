import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { cpuKernel, floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

/**
 * FusedBatchNorm over the last axis: y = (x - mean) · scale / √(variance + ε) + offset, folded
 * per channel into one multiply-add (mean, variance, scale and offset each hold one value or
 * one per channel, as a layer's are). Other layouts go to the cpu kernel.
 */
export function nativeFusedBatchNorm(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.FusedBatchNorm);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x, mean, variance, offset, scale } = args.inputs as Record<'x' | 'mean' | 'variance', tf.TensorInfo> & Partial<Record<'offset' | 'scale', tf.TensorInfo>>;
    const { varianceEpsilon } = args.attrs as unknown as tf.FusedBatchNormAttrs;
    const channels = x.shape[x.shape.length - 1] ?? 1;
    const n = tf.util.sizeFromShape(x.shape);
    const params = [mean, variance, offset, scale];
    const perChannel = (t?: tf.TensorInfo) => !t || (t.dtype === 'float32' && [1, channels].includes(tf.util.sizeFromShape(t.shape)));
    if (x.dtype !== 'float32' || n === 0 || x.shape.length === 0 || !params.every(perChannel)) return fallback(args);
    const at = (t: tf.TensorInfo | undefined, fill: number) => {
      const v = t ? floatsOf(backend, t) : null;
      return (c: number) => (v ? v[v.length === 1 ? 0 : c] : fill);
    };
    const [m, v, o, s] = [at(mean, 0), at(variance, 1), at(offset, 0), at(scale, 1)];
    const a = new Float32Array(channels);
    const b = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      a[c] = s(c) / Math.sqrt(v(c) + varianceEpsilon);
      b[c] = o(c) - m(c) * a[c];
    }
    const y = new Float32Array(n);
    native.channelAffine(floatsOf(backend, x), a, b, channels, y);
    return backend.makeTensorInfo(x.shape, 'float32', y);
  };
}
