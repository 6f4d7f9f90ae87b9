import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { ACTIVATION_CODES, cpuKernel, floatsOf, isFloat, type CpuBackend } from './cpu-tensor-data.ts';
import { perChannelBias } from './per-channel-bias.ts';

/**
 * BatchMatMul and _FusedMatMul (dense layers and their gradients) on the native GEMM, one
 * call per matrix of the batch. Batches that broadcast other than "equal or one of them 1",
 * prelu, biases not per output column, and non-float inputs go to the cpu kernels.
 */
export function nativeBatchMatMul(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.BatchMatMul);
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    return matMul(native, args.backend as CpuBackend, a, b, transposeA, transposeB, null, 'linear', 0) ?? fallback(args);
  };
}

export function nativeFusedMatMul(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf._FusedMatMul);
  return (args) => {
    const { a, b, bias } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias: tf.TensorInfo | undefined };
    const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as unknown as tf._FusedMatMulAttrs;
    const result = isFloat(bias) ? matMul(native, args.backend as CpuBackend, a, b, transposeA, transposeB, bias ?? null, activation ?? 'linear', leakyreluAlpha ?? 0.2) : null;
    return result ?? fallback(args);
  };
}

/** The product, or null when the native path does not take these inputs. */
function matMul(
  native: NativeEngine,
  backend: CpuBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias: tf.TensorInfo | null,
  activation: string,
  alpha: number,
): tf.TensorInfo | null {
  const act = ACTIVATION_CODES[activation];
  if (act === undefined || !isFloat(a, b) || a.shape.length < 2 || b.shape.length < 2) return null;
  const ar = a.shape.length;
  const br = b.shape.length;
  const M = transposeA ? a.shape[ar - 1] : a.shape[ar - 2];
  const K = transposeA ? a.shape[ar - 2] : a.shape[ar - 1];
  const N = transposeB ? b.shape[br - 2] : b.shape[br - 1];
  const innerB = transposeB ? b.shape[br - 1] : b.shape[br - 2];
  if (K !== innerB || M === 0 || N === 0) return null; // the cpu kernel raises tfjs's own error
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  let outer: number[];
  try {
    outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return null;
  }
  const batch = tf.util.sizeFromShape(outer);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return null;
  const biasValues = bias ? perChannelBias(backend, bias, N) : null;
  if (biasValues === undefined) return null;

  const av = floatsOf(backend, a);
  const bv = floatsOf(backend, b);
  const out = new Float32Array(batch * M * N);
  for (let i = 0; i < batch; i++) {
    const ai = batchA === 1 ? 0 : i;
    const bi = batchB === 1 ? 0 : i;
    native.matMul(
      transposeA,
      transposeB,
      M,
      N,
      K,
      av.subarray(ai * M * K, (ai + 1) * M * K),
      bv.subarray(bi * K * N, (bi + 1) * K * N),
      out.subarray(i * M * N, (i + 1) * M * N),
      biasValues,
      act,
      alpha,
    );
  }
  return backend.makeTensorInfo([...outer, M, N], 'float32', out);
}
