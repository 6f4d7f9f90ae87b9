import type { DatasetShape } from '../dataset-shape.ts';
import type { LayersModelSpec } from '../../spec/layer-spec.schema.ts';
import type { PresetOptions } from '../../spec/preset-spec.schema.ts';
import { ImagePlan, outputLayers, scaled } from './preset-helpers.ts';

/** Below this side length the 11×11 stride-4 stem would throw most of the image away. */
const SMALL_INPUT = 64;

/**
 * AlexNet (Krizhevsky et al., 2012): five conv layers (96, 256, 384, 384, 256 filters) with
 * three max pools, then two dense layers with dropout, then the output; batch normalization
 * stands in for the paper's local response normalization.
 *
 * On inputs smaller than 64×64 it is scaled down the way people adapt it to MNIST/CIFAR:
 * a 3×3 stride-1 stem instead of 11×11 stride 4, 2×2 pools that stop at 1×1, and dense
 * layers of 512 instead of 4096. `widthMultiplier` scales every filter count and width.
 */
export function alexnetPreset(dataset: DatasetShape, options: PresetOptions<'alexnet'> = {}): LayersModelSpec {
  const m = options.widthMultiplier ?? 1;
  const rate = options.dropout ?? 0.5;
  const plan = new ImagePlan(dataset, 'alexnet');
  const small = plan.min < SMALL_INPUT;
  const pool = (name: string) => (small ? plan.pool('maxPooling2d', 2, 2, name) : plan.pool('maxPooling2d', 3, 2, name));

  if (small) plan.conv({ filters: scaled(96, m), kernelSize: 3, activation: 'relu', padding: 'same', name: 'conv1' });
  else plan.conv({ filters: scaled(96, m), kernelSize: 11, strides: 4, activation: 'relu', padding: 'valid', name: 'conv1' });
  plan.push({ type: 'batchNormalization', name: 'norm1' });
  pool('pool1');
  plan.conv({ filters: scaled(256, m), kernelSize: 5, activation: 'relu', padding: 'same', name: 'conv2' });
  plan.push({ type: 'batchNormalization', name: 'norm2' });
  pool('pool2');
  plan.conv({ filters: scaled(384, m), kernelSize: 3, activation: 'relu', padding: 'same', name: 'conv3' });
  plan.conv({ filters: scaled(384, m), kernelSize: 3, activation: 'relu', padding: 'same', name: 'conv4' });
  plan.conv({ filters: scaled(256, m), kernelSize: 3, activation: 'relu', padding: 'same', name: 'conv5' });
  pool('pool5');

  const units = scaled(small ? 512 : 4096, m);
  plan.push({ type: 'flatten', name: 'flatten' });
  for (const name of ['fc6', 'fc7']) {
    plan.push({ type: 'dense', units, activation: 'relu', name });
    if (rate > 0) plan.push({ type: 'dropout', rate, name: `${name}_dropout` });
  }
  return { layers: [...plan.layers, ...outputLayers(dataset)] };
}
