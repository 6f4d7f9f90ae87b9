import type { DatasetShape } from '../dataset-shape.ts';
import type { LayersModelSpec } from '../../spec/layer-spec.schema.ts';
import type { PresetOptions } from '../../spec/preset-spec.schema.ts';
import { ImagePlan, outputLayers, scaled } from './preset-helpers.ts';

/** Filters of each 3×3 conv, block by block (Simonyan & Zisserman, 2014, configuration D). */
const BLOCKS = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];
const SMALL_INPUT = 64;

/**
 * VGG16: 13 conv layers of 3×3 ("same") in five blocks, each block closed by a 2×2 max
 * pool, then dense 4096 → 4096 → output with dropout; layer names follow Keras's
 * applications (`block1_conv1`…). On small inputs a pool that would go below 1×1 is
 * skipped (28×28 pools four times: 14, 7, 3, 1) and the dense layers are 512 wide. Its relu
 * layers start from He-uniform weights: with Glorot's (tfjs's default) each of the 13 convs
 * halves the signal's variance, nothing reaches the output, and the loss stays at ln(10).
 */
export function vgg16Preset(dataset: DatasetShape, options: PresetOptions<'vgg16'> = {}): LayersModelSpec {
  const m = options.widthMultiplier ?? 1;
  const rate = options.dropout ?? 0.5;
  const plan = new ImagePlan(dataset, 'vgg16');
  const small = plan.min < SMALL_INPUT;
  BLOCKS.forEach((filters, b) => {
    filters.forEach((f, c) => {
      const name = `block${b + 1}_conv${c + 1}`;
      plan.conv({ filters: scaled(f, m), kernelSize: 3, activation: options.batchNormalization ? 'linear' : 'relu', padding: 'same', kernelInitializer: 'heUniform', name });
      if (options.batchNormalization) plan.push({ type: 'batchNormalization', name: `${name}_bn` }, { type: 'activation', activation: 'relu', name: `${name}_relu` });
    });
    plan.pool('maxPooling2d', 2, 2, `block${b + 1}_pool`);
  });
  const units = scaled(small ? 512 : 4096, m);
  plan.push({ type: 'flatten', name: 'flatten' });
  for (const name of ['fc1', 'fc2']) {
    plan.push({ type: 'dense', units, activation: 'relu', kernelInitializer: 'heUniform', name });
    if (rate > 0) plan.push({ type: 'dropout', rate, name: `${name}_dropout` });
  }
  return { layers: [...plan.layers, ...outputLayers(dataset)] };
}
