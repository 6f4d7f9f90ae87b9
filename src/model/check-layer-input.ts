import type { LayerSpec } from './layer-spec.schema.ts';
import { sizeOf } from './dataset-shape.ts';

/**
 * Our own checks of a layer against its input shape (no batch axis), run before tfjs sees
 * the layer. tfjs accepts some of these silently (a kernel larger than its input yields a
 * zero-sized output) or fails with an opaque message; here the reason names the numbers.
 * Returns the reason it does not fit, or null.
 */
export function checkLayerInput(spec: LayerSpec, input: readonly number[]): string | null {
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

/** Weights a dense or conv2d layer would allocate, known before it is built, so oversized models are refused without allocating them. */
export function estimateParams(spec: LayerSpec, input: readonly number[]): number {
  if (spec.type === 'dense') return input[input.length - 1] * spec.units + (spec.useBias === false ? 0 : spec.units);
  if (spec.type === 'conv2d') {
    const [kh, kw] = pair(spec.kernelSize, 1);
    return kh * kw * input[input.length - 1] * spec.filters + (spec.useBias === false ? 0 : spec.filters);
  }
  return 0;
}
