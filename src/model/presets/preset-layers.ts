import type { DatasetShape } from '../dataset-shape.ts';
import type { LayersModelSpec } from '../../spec/layer-spec.schema.ts';
import { alexnetPreset } from './alexnet.preset.ts';
import { lenet5Preset } from './lenet5.preset.ts';
import { linearPreset } from './linear.preset.ts';
import { mlpPreset } from './mlp.preset.ts';
import type { PresetSpec } from '../../spec/preset-spec.schema.ts';
import { resnetPreset } from './resnet.preset.ts';
import { vgg16Preset } from './vgg16.preset.ts';

/** The layer list a preset stands for, sized to this dataset; built like any other layer list. */
export function presetLayers(spec: PresetSpec, dataset: DatasetShape): LayersModelSpec {
  switch (spec.preset) {
    case 'linear':
      return linearPreset(dataset);
    case 'mlp':
      return mlpPreset(dataset, spec);
    case 'lenet5':
      return lenet5Preset(dataset, spec);
    case 'alexnet':
      return alexnetPreset(dataset, spec);
    case 'vgg16':
      return vgg16Preset(dataset, spec);
    case 'resnet':
      return resnetPreset(dataset, spec);
  }
}
