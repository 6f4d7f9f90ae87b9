import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { cpuKernel, floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

/**
 * Sum (or, with `mean`, Mean) of a float32 tensor over one contiguous block of axes (a bias
 * gradient sums every axis but the last; batch norm's moments average them; a loss sums the
 * last), with no transpose: the cpu kernel first transposes the reduced axes to the end,
 * which costs more than the sum.
 */
export function nativeSum(native: NativeEngine, mean = false): tf.KernelFunc {
  const fallback = cpuKernel(mean ? tf.Mean : tf.Sum);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    if (x.dtype !== 'float32' || x.shape.length === 0) return fallback(args);
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((p, q) => p - q);
    const contiguous = axes.length > 0 && axes.every((ax, i) => ax === axes[0] + i);
    if (!contiguous) return fallback(args);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const outer = tf.util.sizeFromShape(x.shape.slice(0, first));
    const reduce = tf.util.sizeFromShape(x.shape.slice(first, last + 1));
    const inner = tf.util.sizeFromShape(x.shape.slice(last + 1));
    if (outer === 0 || inner === 0) return fallback(args);
    const y = new Float32Array(outer * inner);
    native.sumMiddle(floatsOf(backend, x), outer, reduce, inner, y);
    if (mean) for (let i = 0; i < y.length; i++) y[i] /= reduce;
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return backend.makeTensorInfo(shape, 'float32', y);
  };
}
