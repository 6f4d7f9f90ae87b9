import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { poolShapeOf } from './conv2d-shape.ts';
import { cpuKernel, floatsOf, isFloat, type CpuBackend } from './cpu-tensor-data.ts';

/** AvgPool: one pass over the input, parallel over output rows; padding is not counted. */
export function nativeAvgPool(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.AvgPool);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.AvgPoolAttrs;
    if (!isFloat(x) || x.shape.length !== 4 || tf.util.sizeFromShape(x.shape) === 0) return fallback(args);
    const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    if (tf.util.sizeFromShape(info.outShape) === 0) return fallback(args);
    const y = new Float32Array(tf.util.sizeFromShape(info.outShape));
    native.avgPool(poolShapeOf(info), floatsOf(backend, x), y);
    return backend.makeTensorInfo(info.outShape, 'float32', y);
  };
}

/**
 * AvgPoolGrad: each window's gradient shared among the pixels it averaged. With padding
 * this is the true gradient of AvgPool, where tfjs's cpu kernel divides by the whole window.
 */
export function nativeAvgPoolGrad(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.AvgPoolGrad);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad } = args.attrs as unknown as tf.AvgPoolGradAttrs;
    if (!isFloat(dy, input) || input.shape.length !== 4 || tf.util.sizeFromShape(input.shape) === 0) return fallback(args);
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad);
    if (tf.util.sizeFromShape(info.outShape) === 0) return fallback(args);
    const dx = new Float32Array(tf.util.sizeFromShape(input.shape));
    native.avgPoolGrad(poolShapeOf(info), floatsOf(backend, dy), dx);
    return backend.makeTensorInfo(input.shape, 'float32', dx);
  };
}
