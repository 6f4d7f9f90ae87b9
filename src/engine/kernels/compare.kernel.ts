import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { broadcastShapeOf, broadcastStrides } from './binary.kernel.ts';
import { cpuKernel, floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

/** Native codes of the comparisons (rows.h's CompareOp). */
export const COMPARE_OPS = { [tf.Equal]: 0, [tf.Greater]: 1, [tf.GreaterEqual]: 2, [tf.Less]: 3, [tf.LessEqual]: 4, [tf.NotEqual]: 5 } as const;

/** A comparison of float32 tensors with any broadcast, giving a bool tensor (clip's and relu's gradients use them). */
export function nativeCompare(native: NativeEngine, kernelName: keyof typeof COMPARE_OPS): tf.KernelFunc {
  const fallback = cpuKernel(kernelName);
  const op = COMPARE_OPS[kernelName];
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (kernelName === tf.Equal && a.dtype === 'int32' && b.dtype === 'int32') return equalInts(backend, a, b) ?? fallback(args);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(args);
    const shape = broadcastShapeOf(a.shape, b.shape);
    if (!shape) return fallback(args);
    const n = tf.util.sizeFromShape(shape);
    if (n === 0) return fallback(args);
    const outShape = shape.length === 0 ? [1] : shape;
    const out = new Uint8Array(n);
    native.compareStrided(op, Int32Array.from(outShape), floatsOf(backend, a), broadcastStrides(a.shape, outShape), floatsOf(backend, b), broadcastStrides(b.shape, outShape), out);
    return backend.makeTensorInfo(shape, 'bool', out);
  };
}

/** Equal of two int32 tensors of one shape (accuracy compares predicted and true classes), exactly; null for other shapes. */
function equalInts(backend: CpuBackend, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | null {
  if (a.shape.join() !== b.shape.join()) return null;
  const av = backend.data.get(a.dataId).values as Int32Array;
  const bv = backend.data.get(b.dataId).values as Int32Array;
  const out = new Uint8Array(av.length);
  for (let i = 0; i < out.length; i++) out[i] = av[i] === bv[i] ? 1 : 0;
  return backend.makeTensorInfo(a.shape, 'bool', out);
}

/** Select (where) of float32 values on a bool condition of the same shape. */
export function nativeSelect(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.Select);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { condition, t, e } = args.inputs as Record<'condition' | 't' | 'e', tf.TensorInfo>;
    const n = tf.util.sizeFromShape(t.shape);
    const values = backend.data.get(condition.dataId).values;
    if (t.dtype !== 'float32' || e.dtype !== 'float32' || !(values instanceof Uint8Array) || tf.util.sizeFromShape(condition.shape) !== n || n === 0) return fallback(args);
    const out = new Float32Array(n);
    native.select(n, values, floatsOf(backend, t), floatsOf(backend, e), out);
    return backend.makeTensorInfo(t.shape, 'float32', out);
  };
}

/** ClipByValue of a float32 tensor (cross-entropy's guard around log). */
export function nativeClip(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.ClipByValue);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { clipValueMin, clipValueMax } = args.attrs as unknown as tf.ClipByValueAttrs;
    const n = tf.util.sizeFromShape(x.shape);
    if (x.dtype !== 'float32' || n === 0) return fallback(args);
    const y = new Float32Array(n);
    native.clip(n, floatsOf(backend, x), clipValueMin, clipValueMax, y);
    return backend.makeTensorInfo(x.shape, 'float32', y);
  };
}
