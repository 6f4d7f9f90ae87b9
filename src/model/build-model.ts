import * as tf from '@tensorflow/tfjs';
import type { LossName } from '../spec/compile-spec.schema.ts';
import type { DatasetShape } from './dataset-shape.ts';
import { INPUT_NAME, type LayerSpec, type LayersModelSpec } from '../spec/layer-spec.schema.ts';
import { createLayer } from './create-layer.ts';
import { checkLayerInput, checkMergeInputs, estimateParams } from './check-layer-input.ts';
import { layerError, modelTooLarge } from './model-error.ts';
import { targetEncodingFor } from './target-encoding.ts';

/** Largest model we agree to build (VGG16 has 138M parameters); beyond it one build could exhaust memory. */
export const MAX_PARAMS = 150_000_000;

/** Options of {@link buildModel}: the dataset's shapes, plus what sharpens the output check. */
export interface BuildModelOptions extends DatasetShape {
  /** When given, the output check is the loss's (sparse crossentropy needs numClasses units; others also accept one sigmoid unit for 2 classes). */
  loss?: LossName;
  /** Seeds weight initialisation and dropout (layer i uses seed + i). */
  seed?: number;
  /** Parameter budget (MODEL_MAX_PARAMS); default MAX_PARAMS. Over it: MODEL_TOO_LARGE naming the layer that crossed it. */
  maxParams?: number;
}

type Layer = ReturnType<typeof createLayer>;

/** True when the spec needs the functional API: a layer names its `inputs`, or merges several. */
export const isGraphSpec = (spec: LayersModelSpec) => spec.layers.some((l) => l.inputs !== undefined || l.type === 'add' || l.type === 'concatenate');

/**
 * Builds a tfjs model from a layer list: `tf.sequential` for a plain list (its summary is
 * Keras's Sequential one), `tf.model` (functional API) as soon as a layer names its
 * `inputs` or merges several. Every layer is checked against the shapes it receives, and
 * the last layer against the dataset's targets; a misfit throws AppError INVALID_MODEL
 * naming the layer (index, type, name). The model is uncompiled; the caller owns it and
 * must `dispose()` it.
 */
export function buildModel(spec: LayersModelSpec, options: BuildModelOptions): tf.LayersModel {
  return isGraphSpec(spec) ? buildGraph(spec, options) : buildSequential(spec, options);
}

/** Refuses a layer whose (estimated) weights would push the model past MAX_PARAMS, before tfjs allocates them. */
function paramBudget(maxParams = MAX_PARAMS) {
  let params = 0;
  return (i: number, layerSpec: LayerSpec, input: readonly number[]) => {
    params += estimateParams(layerSpec, input);
    if (params > maxParams) throw modelTooLarge(maxParams, { layer: i, type: layerSpec.type, ...(layerSpec.name ? { name: layerSpec.name } : {}) });
  };
}

const layerSeed = (options: BuildModelOptions, i: number) => (options.seed === undefined ? undefined : options.seed + i);

function outputShapeOf(i: number, layerSpec: LayerSpec, tensor: tf.SymbolicTensor): number[] {
  const out = tensor.shape.slice(1);
  if (out.some((d) => d === null || d <= 0)) throw layerError(i, layerSpec, `its output shape [${out.join(', ')}] is empty`);
  return out as number[];
}

function buildSequential(spec: LayersModelSpec, options: BuildModelOptions): tf.LayersModel {
  const model = tf.sequential();
  try {
    let shape: number[] = [...options.inputShape];
    const budget = paramBudget(options.maxParams);
    spec.layers.forEach((layerSpec, i) => {
      const misfit = checkLayerInput(layerSpec, shape);
      if (misfit) throw layerError(i, layerSpec, misfit);
      budget(i, layerSpec, shape);
      try {
        model.add(createLayer(layerSpec, { inputShape: i === 0 ? shape : undefined, seed: layerSeed(options, i) }));
      } catch (err) {
        throw layerError(i, layerSpec, (err as Error).message);
      }
      shape = outputShapeOf(i, layerSpec, model.outputs[0]);
    });
    targetEncodingFor(options, shape, options.loss);
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** A layer's output as later layers see it: the tensor and the index of the layer that made it (-1: the dataset's input). */
interface Produced {
  tensor: tf.SymbolicTensor;
  index: number;
}

function buildGraph(spec: LayersModelSpec, options: BuildModelOptions): tf.LayersModel {
  const created: Layer[] = [];
  let model: tf.LayersModel | null = null;
  try {
    const input = tf.input({ shape: options.inputShape, name: INPUT_NAME });
    const named = new Map<string, Produced>([[INPUT_NAME, { tensor: input, index: -1 }]]);
    const indexOfName = new Map(spec.layers.flatMap((l, i) => (l.name ? [[l.name, i] as const] : [])));
    const consumed = new Set<number>();
    const budget = paramBudget(options.maxParams);
    let previous: Produced = { tensor: input, index: -1 };

    spec.layers.forEach((layerSpec, i) => {
      const resolve = (ref: string): Produced => {
        const found = named.get(ref);
        if (found) return found;
        const at = indexOfName.get(ref);
        if (at === i) throw layerError(i, layerSpec, `takes its own output "${ref}" as input; a model cannot have cycles`);
        if (at !== undefined) throw layerError(i, layerSpec, `input "${ref}" is layer ${at}, which comes later; a layer may only take earlier layers (no cycles)`);
        throw layerError(i, layerSpec, `unknown input "${ref}"; the names known here are ${[...named.keys()].map((n) => `"${n}"`).join(', ')}`);
      };
      const refs = layerSpec.inputs;
      const sources = refs ? refs.map(resolve) : [previous];
      const shapes = sources.map((s) => s.tensor.shape.slice(1) as number[]);
      const misfit = layerSpec.type === 'add' || layerSpec.type === 'concatenate' ? checkMergeInputs(layerSpec, shapes) : checkLayerInput(layerSpec, shapes[0]);
      if (misfit) throw layerError(i, layerSpec, misfit);
      budget(i, layerSpec, shapes[0]);
      let tensor: tf.SymbolicTensor;
      try {
        const layer = createLayer(layerSpec, { seed: layerSeed(options, i) });
        created.push(layer);
        tensor = layer.apply(sources.length === 1 ? sources[0].tensor : sources.map((s) => s.tensor)) as tf.SymbolicTensor;
      } catch (err) {
        throw layerError(i, layerSpec, (err as Error).message);
      }
      outputShapeOf(i, layerSpec, tensor);
      for (const s of sources) consumed.add(s.index);
      previous = { tensor, index: i };
      if (layerSpec.name) named.set(layerSpec.name, previous);
    });

    // Only the last layer is the model's output: a branch nobody takes would be silently dropped.
    const last = spec.layers.length - 1;
    const dangling = spec.layers.findIndex((_, i) => i < last && !consumed.has(i));
    if (dangling >= 0) {
      throw layerError(dangling, spec.layers[dangling], 'its output is never used: no later layer takes it as input, and only the last layer is the model output');
    }
    model = tf.model({ inputs: input, outputs: previous.tensor });
    targetEncodingFor(options, previous.tensor.shape.slice(1) as number[], options.loss);
    return model;
  } catch (err) {
    if (model) model.dispose();
    else for (const layer of created) disposeQuietly(layer);
    throw err;
  }
}

/** Frees a layer's weights; a layer that never got built has none and tfjs throws, which is fine here. */
function disposeQuietly(layer: Layer) {
  try {
    layer.dispose();
  } catch {
    // not built: nothing allocated
  }
}
