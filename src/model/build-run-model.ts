import type * as tf from '@tensorflow/tfjs';
import { buildModel, type BuildModelOptions } from './build-model.ts';
import { buildKerasModel } from './keras-model.ts';
import { isKerasSpec, isPresetSpec, type RunModelSpec } from '../spec/model-spec.schema.ts';
import { presetLayers } from './presets/preset-layers.ts';

/**
 * Builds a run's model from any form of `model`: a layer list (sequential or graph), a
 * preset (expanded to its layer list for this dataset), or a Keras JSON document. The same
 * checks apply to each; throws AppError INVALID_MODEL. The caller owns the model.
 */
export async function buildRunModel(spec: RunModelSpec, options: BuildModelOptions): Promise<tf.LayersModel> {
  if (isKerasSpec(spec)) return buildKerasModel(spec, options);
  if (isPresetSpec(spec)) return buildModel(presetLayers(spec, options), options);
  return buildModel(spec, options);
}
