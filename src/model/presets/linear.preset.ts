import type { DatasetShape } from '../dataset-shape.ts';
import type { LayersModelSpec } from '../../spec/layer-spec.schema.ts';
import { flattenIfNeeded, outputLayers } from './preset-helpers.ts';

/**
 * Linear model H(X) = XW + b: one dense layer on the (flattened) input. Linear regression
 * for regression data, logistic (softmax / sigmoid) regression for classes and labels.
 */
export function linearPreset(dataset: DatasetShape): LayersModelSpec {
  return { layers: [...flattenIfNeeded(dataset), ...outputLayers(dataset)] };
}
