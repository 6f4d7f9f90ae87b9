import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { cpuKernel, floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

/** Native codes of the binary ops (elementwise.h). */
export const BINARY_OPS = { [tf.Add]: 0, [tf.Sub]: 1, [tf.Multiply]: 2, [tf.RealDiv]: 3, [tf.Maximum]: 4, [tf.Minimum]: 5, [tf.SquaredDifference]: 6, [tf.Pow]: 7 } as const;

/** How an operand maps onto the output (elementwise.h's Broadcast): mode and its parameter. */
type OperandMap = [mode: number, param: number];

/**
 * The binary ops of BINARY_OPS on float32 tensors, with any broadcast: the common ones (equal
 * shapes, a scalar, a bias over the trailing dimensions ([C] on [N, H, W, C]), values over the
 * leading ones ([N, 1] on [N, K])) by a flat index, every other one ([N, 1, 1, C] on
 * [N, H, W, C]) by strides. Other dtypes go to the cpu kernel.
 */
export function nativeBinary(native: NativeEngine, kernelName: keyof typeof BINARY_OPS): tf.KernelFunc {
  const fallback = cpuKernel(kernelName);
  const op = BINARY_OPS[kernelName];
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(args);
    const outShape = broadcastShapeOf(a.shape, b.shape);
    // Shapes that do not broadcast: the cpu kernel raises tfjs's own error.
    if (!outShape) return fallback(args);
    const n = tf.util.sizeFromShape(outShape);
    if (n === 0) return fallback(args);
    const out = new Float32Array(n);
    const am = operandMap(a.shape, outShape, n);
    const bm = operandMap(b.shape, outShape, n);
    if (am && bm) native.binary(op, n, floatsOf(backend, a), am[0], am[1], floatsOf(backend, b), bm[0], bm[1], out);
    else native.binaryStrided(op, Int32Array.from(outShape), floatsOf(backend, a), broadcastStrides(a.shape, outShape), floatsOf(backend, b), broadcastStrides(b.shape, outShape), out);
    return backend.makeTensorInfo(outShape, 'float32', out);
  };
}

/** full (0), scalar (1), inner (2, its length) or outer (3, the repeat); null for other broadcasts. */
export function operandMap(shape: number[], outShape: number[], n: number): OperandMap | null {
  const size = tf.util.sizeFromShape(shape);
  if (size === n) return [0, 0];
  if (size === 1) return [1, 0];
  const padded = [...new Array<number>(outShape.length - shape.length).fill(1), ...shape];
  // inner: leading 1s, then exactly the output's trailing dimensions.
  const firstReal = padded.findIndex((d) => d !== 1);
  if (padded.slice(firstReal).every((d, i) => d === outShape[firstReal + i])) return [2, size];
  // outer: exactly the output's leading dimensions, then trailing 1s.
  let last = padded.length - 1;
  while (last >= 0 && padded[last] === 1) last--;
  if (padded.slice(0, last + 1).every((d, i) => d === outShape[i])) return [3, n / size];
  return null;
}

/** Row-major strides of `shape` read over `outShape` (right-aligned), 0 where it broadcasts. */
export function broadcastStrides(shape: number[], outShape: number[]): Int32Array {
  const strides = new Int32Array(outShape.length);
  let stride = 1;
  for (let d = outShape.length - 1, s = shape.length - 1; d >= 0; d--, s--) {
    const dim = s >= 0 ? shape[s] : 1;
    strides[d] = dim === 1 ? 0 : stride;
    stride *= dim;
  }
  return strides;
}

/** The shape `a` and `b` broadcast to, or null when they do not. */
export function broadcastShapeOf(a: number[], b: number[]): number[] | null {
  try {
    return tf.backend_util.assertAndGetBroadcastShape(a, b);
  } catch {
    return null;
  }
}
