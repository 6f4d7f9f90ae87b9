import * as tf from '@tensorflow/tfjs';
import { cpuKernel, type CpuBackend } from './cpu-tensor-data.ts';

/**
 * Concat, Pack, Slice, SplitV and PadV2 as copies of contiguous runs (TypedArray.set, which
 * V8 does as a memcpy), where tfjs's cpu kernels compute an index per element. Any dtype held
 * in a typed array (float32, int32, bool); others go to the cpu kernels.
 */
type Values = Float32Array | Int32Array | Uint8Array;

const valuesOf = (backend: CpuBackend, t: tf.TensorInfo) => backend.data.get(t.dataId).values as Values;
const isTyped = (backend: CpuBackend, ts: tf.TensorInfo[]) => ts.every((t) => ArrayBuffer.isView(backend.data.get(t.dataId).values) && t.dtype === ts[0].dtype);
const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
const allocate = (like: Values, n: number): Values => new (like.constructor as new (n: number) => Values)(n);

/** Joins tensors along `axis`: each is [outer, its own length × inner], copied block by block. */
function join(backend: CpuBackend, inputs: tf.TensorInfo[], axis: number, outShape: number[]): tf.TensorInfo {
  const outer = product(outShape.slice(0, axis));
  const blocks = inputs.map((t) => tf.util.sizeFromShape(t.shape) / Math.max(outer, 1));
  const width = blocks.reduce((a, b) => a + b, 0);
  const first = valuesOf(backend, inputs[0]);
  const out = allocate(first, outer * width);
  inputs.forEach((t, i) => {
    const values = valuesOf(backend, t);
    const offset = blocks.slice(0, i).reduce((a, b) => a + b, 0);
    for (let o = 0; o < outer; o++) out.set(values.subarray(o * blocks[i], (o + 1) * blocks[i]), o * width + offset);
  });
  return backend.makeTensorInfo(outShape, inputs[0].dtype, out);
}

export function engineConcat(): tf.KernelFunc {
  const fallback = cpuKernel(tf.Concat);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const inputs = (args.inputs as unknown as tf.TensorInfo[]).filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    const { axis } = args.attrs as unknown as tf.ConcatAttrs;
    if (inputs.length < 2 || !isTyped(backend, inputs)) return fallback(args);
    const $axis = tf.util.parseAxisParam(axis, inputs[0].shape)[0];
    const outShape = tf.backend_util.computeOutShape(inputs.map((t) => t.shape), $axis);
    return join(backend, inputs, $axis, outShape);
  };
}

export function enginePack(): tf.KernelFunc {
  const fallback = cpuKernel(tf.Pack);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const { axis } = args.attrs as unknown as tf.PackAttrs;
    if (inputs.length === 0 || !isTyped(backend, inputs) || inputs.some((t) => t.shape.join() !== inputs[0].shape.join())) return fallback(args);
    const rank = inputs[0].shape.length;
    const $axis = axis < 0 ? axis + rank + 1 : axis;
    const outShape = [...inputs[0].shape.slice(0, $axis), inputs.length, ...inputs[0].shape.slice($axis)];
    return join(backend, inputs, $axis, outShape);
  };
}

/**
 * For each run (row of the last axis) of a box `dims` placed at `begin` in an array of
 * `strides`: its index among the box's runs and its offset in that array.
 */
function forEachRun(dims: number[], begin: number[], strides: number[], fn: (row: number, offset: number) => void): void {
  const rank = dims.length;
  const rows = product(dims.slice(0, -1));
  for (let row = 0; row < rows; row++) {
    let rest = row;
    let offset = begin[rank - 1];
    for (let d = rank - 2; d >= 0; d--) {
      offset += (begin[d] + (rest % dims[d])) * strides[d];
      rest = Math.floor(rest / dims[d]);
    }
    fn(row, offset);
  }
}

/** Copies the box begin..begin+size of x (shape) into a new array, one run of the last axis at a time. */
function sliceValues(values: Values, shape: number[], begin: number[], size: number[]): Values {
  const out = allocate(values, product(size));
  const run = size[size.length - 1];
  forEachRun(size, begin, tf.util.computeStrides(shape), (row, offset) => out.set(values.subarray(offset, offset + run), row * run));
  return out;
}

export function engineSlice(): tf.KernelFunc {
  const fallback = cpuKernel(tf.Slice);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    const [$begin, $size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, size);
    if (!isTyped(backend, [x]) || x.shape.length === 0 || product($size) === 0) return fallback(args);
    return backend.makeTensorInfo($size, x.dtype, sliceValues(valuesOf(backend, x), x.shape, $begin, $size));
  };
}

export function engineSplitV(): tf.KernelFunc {
  const fallback = cpuKernel(tf.SplitV);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, $axis);
    if (!isTyped(backend, [x]) || sizes.some((s) => s === 0) || tf.util.sizeFromShape(x.shape) === 0) return fallback(args);
    const values = valuesOf(backend, x);
    let start = 0;
    return sizes.map((s) => {
      const begin = x.shape.map((_, d) => (d === $axis ? start : 0));
      const size = x.shape.map((dim, d) => (d === $axis ? s : dim));
      start += s;
      return backend.makeTensorInfo(size, x.dtype, sliceValues(values, x.shape, begin, size));
    });
  };
}

export function enginePad(): tf.KernelFunc {
  const fallback = cpuKernel(tf.PadV2);
  return (args) => {
    const backend = args.backend as CpuBackend;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { paddings, constantValue } = args.attrs as unknown as tf.PadV2Attrs;
    if (!isTyped(backend, [x]) || x.shape.length === 0 || tf.util.sizeFromShape(x.shape) === 0) return fallback(args);
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const values = valuesOf(backend, x);
    const out = allocate(values, product(outShape));
    if (constantValue !== 0) out.fill(constantValue);
    const run = x.shape[x.shape.length - 1];
    const before = paddings.map(([low]) => low);
    forEachRun(x.shape, before, tf.util.computeStrides(outShape), (row, offset) => out.set(values.subarray(row * run, (row + 1) * run), offset));
    return backend.makeTensorInfo(outShape, x.dtype, out);
  };
}
