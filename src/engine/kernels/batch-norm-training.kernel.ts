import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_TRAINING_KERNEL } from '../../model/batch-normalization.layer.ts';
import type { NativeEngine } from '../native-engine.ts';
import { floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

interface Attrs {
  varianceEpsilon: number;
}

/**
 * BATCH_NORM_TRAINING_KERNEL on the engine: the batch's moments in two native reads of x, then
 * y = x·a + b with a = scale/√(σ² + ε), b = offset − μ·a per channel in one more.
 */
export function nativeBatchNormTraining(native: NativeEngine): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x, scale, offset } = args.inputs as { x: tf.TensorInfo; scale: tf.TensorInfo; offset: tf.TensorInfo };
    const { varianceEpsilon } = args.attrs as unknown as Attrs;
    const channels = x.shape[x.shape.length - 1];
    const xv = floatsOf(backend, x);
    const mean = new Float32Array(channels);
    const variance = new Float32Array(channels);
    native.batchNormMoments(xv, channels, mean, variance);
    const gamma = floatsOf(backend, scale);
    const beta = floatsOf(backend, offset);
    const a = new Float32Array(channels);
    const b = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      a[c] = gamma[c] / Math.sqrt(variance[c] + varianceEpsilon);
      b[c] = beta[c] - mean[c] * a[c];
    }
    const y = new Float32Array(xv.length);
    native.channelAffine(xv, a, b, channels, y);
    return [backend.makeTensorInfo(x.shape, 'float32', y), backend.makeTensorInfo([channels], 'float32', mean), backend.makeTensorInfo([channels], 'float32', variance)];
  };
}

/**
 * Its gradient: dx through the normalization and the moments (and from the moments' outputs,
 * should anything but the moving averages use them), dscale and doffset, in two native reads
 * of x and dy. Computed once; each of tfjs's thunks makes its tensor from the arrays.
 */
export function registerBatchNormTrainingGradient(native: NativeEngine): void {
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAINING_KERNEL,
    inputsToSave: ['x', 'scale'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dmean, dvar] = dys as tf.Tensor[];
      const [x, scale, mean, variance] = saved;
      const channels = mean.size;
      let grads: Float32Array[] | null = null;
      const compute = () => {
        const floats = (t: tf.Tensor) => t.dataSync() as Float32Array;
        const out = [new Float32Array(x.size), new Float32Array(channels), new Float32Array(channels)];
        const epsilon = (attrs as unknown as Attrs).varianceEpsilon;
        native.batchNormTrainingGrad(floats(x), floats(dy), floats(mean), floats(variance), floats(scale), epsilon, channels, dmean ? floats(dmean) : null, dvar ? floats(dvar) : null, out[0], out[1], out[2]);
        return out;
      };
      const grad = (i: number, shape: number[]) => () => tf.tensor((grads ??= compute())[i], shape);
      return { x: grad(0, x.shape), scale: grad(1, [channels]), offset: grad(2, [channels]) };
    },
  });
}
