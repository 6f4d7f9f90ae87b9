import * as tf from '@tensorflow/tfjs';
import type { LossName } from './compile-spec.schema.ts';
import type { DatasetShape } from './dataset-shape.ts';
import type { ModelSpec } from './layer-spec.schema.ts';
import { createLayer } from './create-layer.ts';
import { checkLayerInput, estimateParams } from './check-layer-input.ts';
import { layerError } from './model-error.ts';
import { targetEncodingFor } from './target-encoding.ts';

/** Largest model we agree to build (VGG16 has 138M parameters); beyond it one build could exhaust memory. */
export const MAX_PARAMS = 150_000_000;

/** Options of {@link buildModel}: the dataset's shapes, plus what sharpens the output check. */
export interface BuildModelOptions extends DatasetShape {
  /** When given, the output check is the loss's (sparse crossentropy needs numClasses units; others also accept one sigmoid unit for 2 classes). */
  loss?: LossName;
  /** Seeds weight initialisation and dropout (layer i uses seed + i). */
  seed?: number;
}

/**
 * Builds a sequential tfjs model from its spec; the first layer takes the dataset's input
 * shape. Every layer is checked against the shape it receives, and the last layer against
 * the dataset's targets; a misfit throws AppError INVALID_MODEL naming the layer (index,
 * type, name). The model is uncompiled; the caller owns it and must `dispose()` it.
 */
export function buildModel(spec: ModelSpec, options: BuildModelOptions): tf.LayersModel {
  const model = tf.sequential();
  try {
    let shape: number[] = [...options.inputShape];
    let params = 0;
    spec.layers.forEach((layerSpec, i) => {
      const misfit = checkLayerInput(layerSpec, shape);
      if (misfit) throw layerError(i, layerSpec, misfit);
      params += estimateParams(layerSpec, shape);
      if (params > MAX_PARAMS) throw layerError(i, layerSpec, `the model would have more than ${MAX_PARAMS.toLocaleString('en')} parameters`);
      try {
        const seed = options.seed === undefined ? undefined : options.seed + i;
        model.add(createLayer(layerSpec, { inputShape: i === 0 ? shape : undefined, seed }));
      } catch (err) {
        throw layerError(i, layerSpec, (err as Error).message);
      }
      const out = model.outputs[0].shape.slice(1);
      if (out.some((d) => d === null || d <= 0)) throw layerError(i, layerSpec, `its output shape [${out.join(', ')}] is empty`);
      shape = out as number[];
    });
    targetEncodingFor(options, shape, options.loss);
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}
