import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { convShapeOf } from './conv2d-shape.ts';
import { cpuKernel, floatsOf, isFloat, type CpuBackend } from './cpu-tensor-data.ts';

/** Conv2D on im2col + the native GEMM; NCHW and non-float inputs go to the cpu kernel. */
export function nativeConv2d(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.Conv2D);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as tf.Conv2DAttrs;
    if (dataFormat === 'NCHW' || !isFloat(x, filter)) return fallback(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations,
      pad,
      dimRoundingMode,
    );
    if (tf.util.sizeFromShape(info.outShape) === 0 || tf.util.sizeFromShape(x.shape) === 0) return fallback(args);
    const y = new Float32Array(tf.util.sizeFromShape(info.outShape));
    native.conv2dForward(convShapeOf(info), floatsOf(backend, x), floatsOf(backend, filter), null, 0, 0, y);
    return backend.makeTensorInfo(info.outShape, 'float32', y);
  };
}
