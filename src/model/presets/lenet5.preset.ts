import type { DatasetShape } from '../dataset-shape.ts';
import type { LayersModelSpec } from '../../spec/layer-spec.schema.ts';
import type { PresetOptions } from '../../spec/preset-spec.schema.ts';
import { ImagePlan, outputLayers } from './preset-helpers.ts';

/**
 * LeNet-5 (LeCun et al., 1998): conv 6@5×5 → avg pool → conv 16@5×5 → avg pool → dense
 * 120 → dense 84 → output. The first conv pads ("same") below 32×32 inputs, so 28×28
 * digits get the paper's 28 → 14 → 10 → 5 sizes; on smaller images the second conv pads
 * too and pooling stops at 1×1.
 */
export function lenet5Preset(dataset: DatasetShape, options: PresetOptions<'lenet5'> = {}): LayersModelSpec {
  const activation = options.activation ?? 'relu';
  const plan = new ImagePlan(dataset, 'lenet5');
  plan.conv({ filters: 6, kernelSize: 5, activation, padding: plan.min >= 32 ? 'valid' : 'same', name: 'c1' });
  plan.pool('averagePooling2d', 2, 2, 's2');
  plan.conv({ filters: 16, kernelSize: 5, activation, padding: 'valid', name: 'c3' });
  plan.pool('averagePooling2d', 2, 2, 's4');
  plan.push(
    { type: 'flatten', name: 'flatten' },
    { type: 'dense', units: 120, activation, name: 'f5' },
    { type: 'dense', units: 84, activation, name: 'f6' },
  );
  return { layers: [...plan.layers, ...outputLayers(dataset)] };
}
