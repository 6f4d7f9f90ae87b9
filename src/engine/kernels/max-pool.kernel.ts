import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { poolShapeOf } from './conv2d-shape.ts';
import { cpuKernel, floatsOf, isFloat, type CpuBackend } from './cpu-tensor-data.ts';

/** MaxPool, one pass over the input, parallel over output rows. */
export function nativeMaxPool(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.MaxPool);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolAttrs;
    if (!isFloat(x) || x.shape.length !== 4 || tf.util.sizeFromShape(x.shape) === 0) return fallback(args);
    const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    if (tf.util.sizeFromShape(info.outShape) === 0) return fallback(args);
    const y = new Float32Array(tf.util.sizeFromShape(info.outShape));
    native.maxPool(poolShapeOf(info), floatsOf(backend, x), y);
    return backend.makeTensorInfo(info.outShape, 'float32', y);
  };
}
