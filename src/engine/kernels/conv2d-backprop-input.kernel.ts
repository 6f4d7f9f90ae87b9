import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { convShapeOf } from './conv2d-shape.ts';
import { cpuKernel, floatsOf, isFloat, type CpuBackend } from './cpu-tensor-data.ts';

/**
 * Conv2DBackpropInput, the input gradient: dy · filterᵀ gives each output pixel's patch
 * gradient, which col2im adds back onto the input pixels the patch came from.
 */
export function nativeConv2dBackpropInput(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.Conv2DBackpropInput);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { inputShape, strides, pad, dataFormat, dimRoundingMode } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (dataFormat === 'NCHW' || !isFloat(dy, filter)) return fallback(args);
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
    if (tf.util.sizeFromShape(inputShape) === 0 || tf.util.sizeFromShape(dy.shape) === 0) return fallback(args);
    const dx = new Float32Array(tf.util.sizeFromShape(inputShape));
    native.conv2dBackpropInput(convShapeOf(info), floatsOf(backend, dy), floatsOf(backend, filter), dx);
    return backend.makeTensorInfo(inputShape, 'float32', dx);
  };
}
