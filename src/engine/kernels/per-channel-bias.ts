import type * as tf from '@tensorflow/tfjs';
import { floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

/**
 * A fused op's bias as one value per output channel, when it broadcasts that way: shape
 * [channels], [1, …, channels] or a scalar. undefined when it broadcasts otherwise (the
 * caller then leaves the op to the cpu kernel).
 */
export function perChannelBias(backend: CpuBackend, bias: tf.TensorInfo, channels: number): Float32Array | undefined {
  const size = bias.shape.reduce((a, b) => a * b, 1);
  const leadingOnes = bias.shape.slice(0, -1).every((d) => d === 1);
  if (size === channels && leadingOnes) return floatsOf(backend, bias);
  if (size === 1) return new Float32Array(channels).fill(floatsOf(backend, bias)[0]);
  return undefined;
}
