import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { convShapeOf } from './conv2d-shape.ts';
import { ACTIVATION_CODES, cpuKernel, floatsOf, isFloat, type CpuBackend } from './cpu-tensor-data.ts';
import { perChannelBias } from './per-channel-bias.ts';

/**
 * FusedConv2D (what tfjs-layers' conv2d with a bias and relu calls): the convolution, the
 * bias and the activation in one native pass over the output. prelu, NCHW and biases that
 * are not per output channel go to the cpu kernel.
 */
export function nativeFusedConv2d(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.FusedConv2D);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x, filter, bias } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo; bias: tf.TensorInfo | undefined };
    const attrs = args.attrs as unknown as tf.FusedConv2DAttrs;
    const act = ACTIVATION_CODES[attrs.activation ?? 'linear'];
    if (attrs.dataFormat === 'NCHW' || act === undefined || !isFloat(x, filter, bias)) return fallback(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    if (tf.util.sizeFromShape(info.outShape) === 0 || tf.util.sizeFromShape(x.shape) === 0) return fallback(args);
    const biasValues = bias ? perChannelBias(backend, bias, info.outChannels) : null;
    if (biasValues === undefined) return fallback(args);
    const y = new Float32Array(tf.util.sizeFromShape(info.outShape));
    native.conv2dForward(convShapeOf(info), floatsOf(backend, x), floatsOf(backend, filter), biasValues, act, attrs.leakyreluAlpha ?? 0.2, y);
    return backend.makeTensorInfo(info.outShape, 'float32', y);
  };
}
