import * as tf from '@tensorflow/tfjs';
import { CONV2D_TRAINING_KERNEL } from '../../model/trainable-conv2d.layer.ts';
import { RELU_GRAD_KERNEL } from './relu-grad.kernel.ts';

/**
 * The gradient of CONV2D_TRAINING_KERNEL (which the engine runs as its native FusedConv2D):
 * NHWC, dilation 1, a per-channel bias or none, linear or relu. Unlike the custom gradient of
 * tfjs's fused op, which computes the input's gradient whatever happens (the first layer's
 * too, whose input is data: LeNet-5's first 5×5 layer, a sixth of its step), each input's
 * gradient is its own thunk, so tfjs's tape runs only those leading to a trained weight.
 * relu's gradient is computed once, by the first thunk tfjs runs, into a plain array each
 * thunk makes its own tensor of (each thunk runs in its own tidy).
 */
export function registerConv2DTrainingGradient(): void {
  if (tf.getGradient(CONV2D_TRAINING_KERNEL)) return;
  tf.registerGradient({
    kernelName: CONV2D_TRAINING_KERNEL,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const { strides, pad, activation } = attrs as unknown as tf.FusedConv2DAttrs;
      const g = dy as tf.Tensor4D;
      let activated: Float32Array | null = null;
      const dyActivated = (): tf.Tensor4D => {
        if (activation === 'linear') return g;
        activated ??= (tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x: y }) as tf.Tensor).dataSync() as Float32Array;
        return tf.tensor4d(activated, g.shape);
      };
      const conv = { strides, pad, dataFormat: 'NHWC' };
      return {
        x: () => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dyActivated(), filter }, { ...conv, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
        filter: () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dyActivated() }, { ...conv, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
        bias: () => tf.sum(dyActivated(), [0, 1, 2]),
      };
    },
  });
}
