import type { DatasetShape } from '../dataset-shape.ts';
import type { LayersModelSpec } from '../../spec/layer-spec.schema.ts';
import type { PresetOptions } from '../../spec/preset-spec.schema.ts';
import { ImagePlan, outputLayers } from './preset-helpers.ts';

/**
 * A small ResNet (He et al., 2015, the CIFAR variant): a 3×3 conv stem, then `stages`
 * stages of `blocks` basic residual blocks (conv-BN-relu-conv-BN, `add` the block's input,
 * relu). Each later stage doubles the filters and halves the image with a stride-2 conv,
 * its shortcut projected by a 1×1 conv; stages stop once the image is 1×1. Then global
 * average pooling and the output. Defaults: 3 stages of 2 blocks from 16 filters.
 */
export function resnetPreset(dataset: DatasetShape, options: PresetOptions<'resnet'> = {}): LayersModelSpec {
  const blocks = options.blocks ?? 2;
  const stages = options.stages ?? 3;
  const plan = new ImagePlan(dataset, 'resnet');
  plan.conv({ filters: options.filters ?? 16, kernelSize: 3, padding: 'same', name: 'stem_conv' });
  plan.push({ type: 'batchNormalization', name: 'stem_bn' }, { type: 'activation', activation: 'relu', name: 'stem_relu' });
  let previous = 'stem_relu';
  let filters = options.filters ?? 16;

  for (let s = 1; s <= stages; s++) {
    const downsample = s > 1;
    if (downsample && plan.min < 2) break;
    if (downsample) filters *= 2;
    for (let b = 1; b <= blocks; b++) {
      const id = `stage${s}_block${b}`;
      const stride = downsample && b === 1 ? 2 : 1;
      plan.conv({ filters, kernelSize: 3, strides: stride, padding: 'same', name: `${id}_conv1`, inputs: [previous] });
      plan.push({ type: 'batchNormalization', name: `${id}_bn1` }, { type: 'activation', activation: 'relu', name: `${id}_relu1` });
      plan.conv({ filters, kernelSize: 3, padding: 'same', name: `${id}_conv2` });
      plan.push({ type: 'batchNormalization', name: `${id}_bn2` });
      let shortcut = previous;
      if (stride !== 1) {
        // The conv path changed shape and width; project the shortcut to match it.
        plan.push({ type: 'conv2d', filters, kernelSize: 1, strides: stride, padding: 'same', name: `${id}_proj`, inputs: [previous] });
        shortcut = `${id}_proj`;
      }
      plan.push({ type: 'add', inputs: [`${id}_bn2`, shortcut], name: `${id}_add` }, { type: 'activation', activation: 'relu', name: `${id}_out` });
      previous = `${id}_out`;
    }
  }
  plan.push({ type: 'globalAveragePooling2d', name: 'avg_pool' });
  return { layers: [...plan.layers, ...outputLayers(dataset)] };
}
