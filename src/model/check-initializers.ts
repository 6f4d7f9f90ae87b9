import type { InitializerSpec, LayerSpec } from '../spec/layer-spec.schema.ts';

const typeOf = (spec: InitializerSpec) => (typeof spec === 'string' ? spec : spec.type);

/**
 * Initializers that only fit some weight shapes, checked before tfjs builds the layer (it
 * fails with "shape must be at least 2d" and no word of which setting is at fault):
 * `orthogonal` and `identity` make matrices, so never a bias (a vector); `identity` makes a
 * square matrix, so only the kernel of a dense layer with as many units as inputs.
 * Returns the reason the layer's initializers do not fit, or null.
 */
export function checkInitializers(spec: LayerSpec, input: readonly number[]): string | null {
  if (spec.type !== 'dense' && spec.type !== 'conv2d') return null;
  const bias = spec.biasInitializer && typeOf(spec.biasInitializer);
  if (bias === 'orthogonal' || bias === 'identity') {
    return `biasInitializer "${bias}" makes a matrix but a bias is a vector; use zeros, ones, constant or a random initializer`;
  }
  if (spec.kernelInitializer === undefined || typeOf(spec.kernelInitializer) !== 'identity') return null;
  const inputs = input[input.length - 1];
  if (spec.type === 'conv2d') return 'kernelInitializer "identity" makes a square matrix, which a conv2d kernel is not; use it on a dense layer';
  if (inputs !== spec.units) return `kernelInitializer "identity" makes a square matrix, but this kernel is ${inputs}×${spec.units} (inputs × units); give the layer ${inputs} units`;
  return null;
}
