import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { convShapeOf } from './conv2d-shape.ts';
import { cpuKernel, floatsOf, isFloat, type CpuBackend } from './cpu-tensor-data.ts';

/**
 * Conv2DBackpropFilter, the filter gradient: im2col(x)ᵀ · dy, one GEMM whose long inner
 * dimension (every output pixel of the batch) the native side splits across threads.
 */
export function nativeConv2dBackpropFilter(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.Conv2DBackpropFilter);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (dataFormat === 'NCHW' || !isFloat(x, dy)) return fallback(args);
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
    if (tf.util.sizeFromShape(x.shape) === 0 || tf.util.sizeFromShape(dy.shape) === 0) return fallback(args);
    const dw = new Float32Array(tf.util.sizeFromShape(filterShape));
    native.conv2dBackpropFilter(convShapeOf(info), floatsOf(backend, x), floatsOf(backend, dy), dw);
    return backend.makeTensorInfo(filterShape, 'float32', dw);
  };
}
