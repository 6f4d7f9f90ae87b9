import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';

/**
 * Replaces tfjs's gradient of FusedBatchNorm (a dozen full-size element-wise ops, a tile and
 * four sums) with one native pass on the engine, for the per-channel form layers use (mean,
 * variance and scale of [channels] over the last axis); every other backend or form keeps
 * tfjs's own gradient. The five gradients are computed once, into plain arrays, and each of
 * tfjs's gradient thunks (run one by one, each in its own tidy) makes its tensor from them,
 * so none is disposed before it is asked for and none leaks when it is not. tfjs logs once
 * that the gradient was overridden.
 */
export function registerFusedBatchNormGradient(native: NativeEngine, engineName: string): void {
  const original = tf.getGradient(tf.FusedBatchNorm);
  if (!original || (original as { fused?: boolean }).fused) return;
  const config: tf.GradConfig & { fused: boolean } = {
    ...original,
    fused: true,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      const channels = x.shape[x.rank - 1];
      const perChannel = (t?: tf.Tensor) => !t || (t.rank === 1 && t.shape[0] === channels && t.dtype === 'float32');
      const fusable = tf.getBackend() === engineName && !Array.isArray(dy) && dy.dtype === 'float32' && x.dtype === 'float32' && x.rank >= 2 && [mean, variance, scale].every(perChannel);
      if (!fusable) return original.gradFunc(dy, saved, attrs);
      let grads: Float32Array[] | null = null;
      const compute = () => {
        const floats = (t: tf.Tensor) => t.dataSync() as Float32Array;
        const out = [new Float32Array(x.size), ...Array.from({ length: 4 }, () => new Float32Array(channels))];
        const epsilon = (attrs as unknown as tf.FusedBatchNormAttrs).varianceEpsilon;
        native.batchNormGrad(floats(x), floats(dy as tf.Tensor), floats(mean), floats(variance), scale ? floats(scale) : null, epsilon, channels, ...(out as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array]));
        return out;
      };
      const grad = (i: number, shape: number[]) => () => tf.tensor((grads ??= compute())[i], shape);
      return { x: grad(0, x.shape), mean: grad(1, mean.shape), variance: grad(2, mean.shape), scale: grad(3, mean.shape), offset: grad(4, mean.shape) };
    },
  };
  tf.registerGradient(config);
}
