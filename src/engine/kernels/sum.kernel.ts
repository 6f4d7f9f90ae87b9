import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { cpuKernel, floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

type Reduction = typeof tf.Sum | typeof tf.Mean | typeof tf.Max;

/**
 * Sum, Mean or Max of a float32 tensor over one contiguous block of axes (a bias gradient
 * sums every axis but the last; batch norm's moments and global pooling average or take the
 * maximum over the pixels; a loss sums the last), with no transpose: the cpu kernel first
 * transposes the reduced axes to the end, which costs more than the reduction.
 */
export function nativeReduce(native: NativeEngine, kind: Reduction): tf.KernelFunc {
  const fallback = cpuKernel(kind);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    // Max names its axes reductionIndices; Sum and Mean name them axis.
    const { axis, keepDims } = kind === tf.Max ? { axis: (args.attrs as unknown as tf.MaxAttrs).reductionIndices, keepDims: (args.attrs as unknown as tf.MaxAttrs).keepDims } : (args.attrs as unknown as tf.SumAttrs);
    const axes0 = tf.util.parseAxisParam(axis, x.shape);
    if (kind === tf.Max && axes0.some((a) => x.shape[a] === 0)) return fallback(args);
    if (x.dtype !== 'float32' || x.shape.length === 0) return fallback(args);
    const axes = [...new Set(axes0)].sort((p, q) => p - q);
    const contiguous = axes.length > 0 && axes.every((ax, i) => ax === axes[0] + i);
    if (!contiguous) return fallback(args);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const outer = tf.util.sizeFromShape(x.shape.slice(0, first));
    const reduce = tf.util.sizeFromShape(x.shape.slice(first, last + 1));
    const inner = tf.util.sizeFromShape(x.shape.slice(last + 1));
    if (outer === 0 || inner === 0) return fallback(args);
    const y = new Float32Array(outer * inner);
    native.sumMiddle(floatsOf(backend, x), outer, reduce, inner, y, kind === tf.Max);
    if (kind === tf.Mean) for (let i = 0; i < y.length; i++) y[i] /= reduce;
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return backend.makeTensorInfo(shape, 'float32', y);
  };
}
