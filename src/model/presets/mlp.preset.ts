import type { DatasetShape } from '../dataset-shape.ts';
import type { LayerSpec, LayersModelSpec } from '../../spec/layer-spec.schema.ts';
import type { PresetOptions } from '../../spec/preset-spec.schema.ts';
import { flattenIfNeeded, outputLayers } from './preset-helpers.ts';

/**
 * Multi-layer perceptron: dense hidden layers (default [64, 32], relu), each optionally
 * followed by batch normalization and dropout, then the task's output layer.
 */
export function mlpPreset(dataset: DatasetShape, options: PresetOptions<'mlp'> = {}): LayersModelSpec {
  const hidden = options.hiddenUnits ?? [64, 32];
  const layers: LayerSpec[] = [...flattenIfNeeded(dataset)];
  hidden.forEach((units, i) => {
    layers.push({ type: 'dense', units, activation: options.activation ?? 'relu', name: `hidden${i + 1}` });
    if (options.batchNormalization) layers.push({ type: 'batchNormalization', name: `hidden${i + 1}_bn` });
    if (options.dropout) layers.push({ type: 'dropout', rate: options.dropout, name: `hidden${i + 1}_dropout` });
  });
  return { layers: [...layers, ...outputLayers(dataset)] };
}
