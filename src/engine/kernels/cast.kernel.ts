import * as tf from '@tensorflow/tfjs';
import { cpuKernel, type CpuBackend } from './cpu-tensor-data.ts';

type Numeric = 'float32' | 'int32' | 'bool';
const ARRAYS = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

/**
 * Cast between float32, int32 and bool as one typed-array conversion (a single `set`, done
 * by V8 at memory speed; to bool, a comparison per value), where tfjs's cpu kernel goes
 * through its generic per-element paths. A cast to the tensor's own dtype (tfjs's gradients
 * cast float32 to float32 often) shares the data, as the cpu kernel's does: no copy. Complex
 * and string go to the cpu kernel.
 */
export function engineCast(): tf.KernelFunc {
  const fallback = cpuKernel(tf.Cast);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as unknown as tf.CastAttrs;
    if (dtype === x.dtype && dtype in ARRAYS) {
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype };
    }
    const values = backend.data.get(x.dataId).values;
    if (!(dtype in ARRAYS) || !(x.dtype in ARRAYS) || !ArrayBuffer.isView(values)) return fallback(args);
    const n = tf.util.sizeFromShape(x.shape);
    const from = values as Float32Array | Int32Array | Uint8Array;
    const out = new ARRAYS[dtype as Numeric](n);
    if (dtype === 'bool') for (let i = 0; i < n; i++) out[i] = from[i] !== 0 ? 1 : 0;
    // int32 from float32 truncates toward zero, as tfjs does.
    else if (dtype === 'int32' && x.dtype === 'float32') for (let i = 0; i < n; i++) out[i] = Math.trunc(from[i]);
    else out.set(from.subarray(0, n));
    return backend.makeTensorInfo(x.shape, dtype, out);
  };
}

/** ZerosLike and OnesLike of float32, int32 and bool tensors: an allocation (and a fill). */
export function engineFillLike(kernelName: typeof tf.ZerosLike | typeof tf.OnesLike): tf.KernelFunc {
  const fallback = cpuKernel(kernelName);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (!(x.dtype in ARRAYS)) return fallback(args);
    const out = new ARRAYS[x.dtype as Numeric](tf.util.sizeFromShape(x.shape));
    if (kernelName === tf.OnesLike) out.fill(1);
    return backend.makeTensorInfo(x.shape, x.dtype, out);
  };
}

/** LogicalAnd of two bool tensors of one shape (clip's gradient joins its two bounds). */
export function engineLogicalAnd(): tf.KernelFunc {
  const fallback = cpuKernel(tf.LogicalAnd);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const av = backend.data.get(a.dataId).values;
    const bv = backend.data.get(b.dataId).values;
    if (!(av instanceof Uint8Array) || !(bv instanceof Uint8Array) || a.shape.join() !== b.shape.join()) return fallback(args);
    const out = new Uint8Array(av.length);
    for (let i = 0; i < out.length; i++) out[i] = av[i] & bv[i];
    return backend.makeTensorInfo(a.shape, 'bool', out);
  };
}

/** Fill: a new tensor of one value (an optimizer's initial accumulators). */
export function engineFill(): tf.KernelFunc {
  const fallback = cpuKernel(tf.Fill);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { shape, value, dtype } = args.attrs as unknown as tf.FillAttrs;
    const $dtype = dtype ?? tf.util.inferDtype(value);
    if (!($dtype in ARRAYS) || typeof value !== 'number') return fallback(args);
    const out = new ARRAYS[$dtype as Numeric](tf.util.sizeFromShape(shape)).fill(value);
    return backend.makeTensorInfo(shape, $dtype, out);
  };
}
