import type { LayerSpec } from '../spec/layer-spec.schema.ts';
import { sizeOf } from './dataset-shape.ts';
import { checkInitializers } from './check-initializers.ts';

/**
 * Our own checks of a layer against its input shape (no batch axis), run before tfjs sees
 * the layer. tfjs accepts some of these silently (a kernel larger than its input yields a
 * zero-sized output) or fails with an opaque message; here the reason names the numbers.
 * Returns the reason it does not fit, or null.
 */
export function checkLayerInput(spec: LayerSpec, input: readonly number[]): string | null {
  const misfit = checkInitializers(spec, input);
  if (misfit) return misfit;
  switch (spec.type) {
    case 'conv2d':
    case 'maxPooling2d':
    case 'averagePooling2d':
    case 'globalAveragePooling2d':
    case 'globalMaxPooling2d':
    case 'zeroPadding2d':
      if (input.length !== 3) {
        const hint = input.length === 2 ? `; add a reshape layer first ({ "type": "reshape", "targetShape": [${input.join(', ')}, 1] })` : '';
        return `needs a [height, width, channels] input, got [${input.join(', ')}]${hint}`;
      }
      return checkWindow(spec, input);
    case 'reshape': {
      const want = sizeOf(spec.targetShape);
      const have = sizeOf(input);
      return want === have ? null : `targetShape [${spec.targetShape.join(', ')}] holds ${want} values, its input [${input.join(', ')}] holds ${have}`;
    }
    default:
      return null;
  }
}

const pair = (v: number | [number, number] | undefined, fallback: number): [number, number] =>
  v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : v;

function checkWindow(spec: LayerSpec, [h, w]: readonly number[]): string | null {
  if (spec.type !== 'conv2d' && spec.type !== 'maxPooling2d' && spec.type !== 'averagePooling2d') return null;
  if (spec.type === 'conv2d' && pair(spec.dilationRate, 1).some((d) => d > 1) && pair(spec.strides, 1).some((st) => st > 1)) {
    return 'strides and dilationRate cannot both be above 1 (as in Keras); use one or the other';
  }
  if (spec.padding === 'same') return null;
  const [kh, kw] = spec.type === 'conv2d' ? pair(spec.kernelSize, 1) : pair(spec.poolSize, 2);
  const [dh, dw] = spec.type === 'conv2d' ? pair(spec.dilationRate, 1) : [1, 1];
  // A dilated kernel covers (k - 1) * d + 1 input cells.
  const eh = (kh - 1) * dh + 1;
  const ew = (kw - 1) * dw + 1;
  if (eh <= h && ew <= w) return null;
  const what = spec.type === 'conv2d' ? 'kernel' : 'pool window';
  return `${what} ${eh}×${ew} is larger than its ${h}×${w} input (padding "valid"); use padding "same" or a smaller ${what}`;
}

/**
 * Checks the inputs of a merge layer: `add` needs them all of one shape; `concatenate`
 * needs one rank and equal sizes on every axis but the one it joins along.
 */
export function checkMergeInputs(spec: Extract<LayerSpec, { type: 'add' | 'concatenate' }>, shapes: readonly (readonly number[])[]): string | null {
  const listed = () => spec.inputs.map((name, i) => `"${name}" [${shapes[i].join(', ')}]`).join(', ');
  if (spec.type === 'add') {
    const first = shapes[0].join(',');
    return shapes.every((s) => s.join(',') === first) ? null : `add needs inputs of one shape, got ${listed()}`;
  }
  const rank = shapes[0].length;
  if (shapes.some((s) => s.length !== rank)) return `concatenate needs inputs of one rank, got ${listed()}`;
  const axis = spec.axis ?? -1;
  const at = axis < 0 ? rank + axis : axis - 1;
  if (at < 0 || at >= rank) return `axis ${axis} is outside inputs of rank ${rank} (batch axis excluded)`;
  const fits = shapes.every((s) => s.every((d, k) => k === at || d === shapes[0][k]));
  return fits ? null : `concatenate along axis ${axis} needs every other axis equal, got ${listed()}`;
}

/** Weights a dense or conv2d layer would allocate, known before it is built, so oversized models are refused without allocating them. */
export function estimateParams(spec: LayerSpec, input: readonly number[]): number {
  if (spec.type === 'dense') return input[input.length - 1] * spec.units + (spec.useBias === false ? 0 : spec.units);
  if (spec.type === 'conv2d') {
    const [kh, kw] = pair(spec.kernelSize, 1);
    return kh * kw * input[input.length - 1] * spec.filters + (spec.useBias === false ? 0 : spec.filters);
  }
  return 0;
}
