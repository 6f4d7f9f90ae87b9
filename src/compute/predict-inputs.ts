import { AppError } from '../errors/app-error.ts';
import { sizeOf } from '../model/dataset-shape.ts';

/** A batch of inputs sent flat: raw little-endian values in base64, shaped [count, ...inputShape]. */
export interface TensorInput {
  dtype: 'float32' | 'uint8';
  shape: number[];
  data: string;
}

/** The body of a predict call: nested arrays per instance, or one flat tensor. */
export type PredictInput = { instances: unknown[] } | { tensor: TensorInput };

/** Whether `value` is a finite number or nested arrays of them; iterative, so deep nesting cannot overflow the stack. */
export function isNestedFiniteNumbers(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push(v[i]);
    else if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  }
  return true;
}

/**
 * The inputs of a predict call as one Float32Array of `count` instances, each checked to
 * hold prod(inputShape) values. Nested instances are flattened in order (shape is not
 * enforced, only the count, as before); a tensor's shape must be [count, ...inputShape].
 */
export function flattenPredictInput(input: PredictInput, inputShape: number[]): { inputs: Float32Array; count: number } {
  const perInstance = sizeOf(inputShape);
  return 'tensor' in input ? fromTensor(input.tensor, inputShape, perInstance) : fromInstances(input.instances, inputShape, perInstance);
}

function fromInstances(instances: unknown[], inputShape: number[], perInstance: number) {
  const inputs = new Float32Array(instances.length * perInstance);
  instances.forEach((instance, i) => {
    const found = writeNumbers(instance, inputs, i * perInstance, perInstance);
    if (found !== perInstance) {
      throw new AppError('VALIDATION_FAILED', `instances[${i}] has ${found} values, the model takes ${perInstance} (input shape [${inputShape.join(', ')}])`, {
        path: ['instances', i],
        expected: perInstance,
        got: found,
      });
    }
  });
  return { inputs, count: instances.length };
}

/**
 * Writes the numbers of `value` (a number or nested arrays of them, already checked by
 * isNestedFiniteNumbers) in order into `out` from `offset`, at most `max` of them; returns
 * how many it holds in all. One walk, no intermediate arrays.
 */
function writeNumbers(value: unknown, out: Float32Array, offset: number, max: number): number {
  if (!Array.isArray(value)) {
    if (max > 0) out[offset] = value as number;
    return 1;
  }
  const arrays: unknown[][] = [value];
  const next: number[] = [0];
  let count = 0;
  while (arrays.length > 0) {
    const top = arrays.length - 1;
    const array = arrays[top];
    const i = next[top]++;
    if (i === array.length) {
      arrays.pop();
      next.pop();
    } else if (Array.isArray(array[i])) {
      arrays.push(array[i] as unknown[]);
      next.push(0);
    } else {
      if (count < max) out[offset + count] = array[i] as number;
      count++;
    }
  }
  return count;
}

function fromTensor(tensor: TensorInput, inputShape: number[], perInstance: number) {
  const [count, ...rest] = tensor.shape;
  if (rest.join() !== inputShape.join()) {
    throw new AppError('VALIDATION_FAILED', `tensor.shape is [${tensor.shape.join(', ')}]; the model takes [n, ${inputShape.join(', ')}]`, { path: ['tensor', 'shape'], inputShape });
  }
  const bytes = Buffer.from(tensor.data, 'base64');
  const width = tensor.dtype === 'float32' ? 4 : 1;
  if (bytes.length !== count * perInstance * width) {
    throw new AppError('VALIDATION_FAILED', `tensor.data holds ${bytes.length} bytes; shape [${tensor.shape.join(', ')}] of ${tensor.dtype} takes ${count * perInstance * width}`, { path: ['tensor', 'data'] });
  }
  const inputs = tensor.dtype === 'uint8' ? Float32Array.from(bytes) : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  if (tensor.dtype === 'float32' && !inputs.every(Number.isFinite)) {
    throw new AppError('VALIDATION_FAILED', 'tensor.data holds a NaN or infinite value', { path: ['tensor', 'data'] });
  }
  return { inputs, count };
}
