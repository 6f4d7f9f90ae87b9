import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { poolShapeOf } from './conv2d-shape.ts';
import { cpuKernel, floatsOf, isFloat, type CpuBackend } from './cpu-tensor-data.ts';

/**
 * MaxPoolGrad in O(input): each window's gradient goes to its first maximum, found again
 * from the input (the cpu kernel instead visits every window of every input pixel).
 */
export function nativeMaxPoolGrad(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.MaxPoolGrad);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
    if (!isFloat(dy, input) || input.shape.length !== 4 || tf.util.sizeFromShape(input.shape) === 0) return fallback(args);
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    if (tf.util.sizeFromShape(info.outShape) === 0) return fallback(args);
    const dx = new Float32Array(tf.util.sizeFromShape(input.shape));
    native.maxPoolGrad(poolShapeOf(info), floatsOf(backend, input), floatsOf(backend, dy), dx);
    return backend.makeTensorInfo(input.shape, 'float32', dx);
  };
}
