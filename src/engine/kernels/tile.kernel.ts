import * as tf from '@tensorflow/tfjs';
import type { NativeEngine } from '../native-engine.ts';
import { cpuKernel, floatsOf, type CpuBackend } from './cpu-tensor-data.ts';

/** Tile of a float32 tensor by block copies (batch norm's gradient tiles per-channel values over the batch). */
export function nativeTile(native: NativeEngine): tf.KernelFunc {
  const fallback = cpuKernel(tf.Tile);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { reps } = args.attrs as unknown as tf.TileAttrs;
    const outShape = x.shape.map((d, i) => d * reps[i]);
    if (x.dtype !== 'float32' || x.shape.length === 0 || x.shape.length > 8 || reps.length !== x.shape.length || tf.util.sizeFromShape(outShape) === 0) return fallback(args);
    const y = new Float32Array(tf.util.sizeFromShape(outShape));
    native.tile(floatsOf(backend, x), Int32Array.from(x.shape), Int32Array.from(reps), y);
    return backend.makeTensorInfo(outShape, 'float32', y);
  };
}
