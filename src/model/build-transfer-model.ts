import * as tf from '@tensorflow/tfjs';
import { AppError } from '../errors/app-error.ts';
import type { LayerRef, TransferSpec } from '../spec/transfer-spec.schema.ts';
import type { BuildModelOptions } from './build-model.ts';
import { checkLayerInput } from './check-layer-input.ts';
import { createLayer } from './create-layer.ts';
import { loadModelFromDir } from './file-model-io.ts';
import { modelError } from './model-error.ts';
import { targetEncodingFor } from './target-encoding.ts';

export interface TransferModel {
  /** The base (popped) plus the head, uncompiled; layers up to `freezeUpTo` are frozen. The caller disposes it. */
  model: tf.LayersModel;
  /** Names of the base's kept layers, in the base's own order: what layer indices in the spec count. */
  baseLayerNames: string[];
}

/**
 * Builds a transfer run's model: loads the base from `baseDir` (model.json + weights, tfjs
 * layers format), checks it takes the dataset's input, drops its last `popLayers` layers,
 * appends the `replaceHead` layers (each checked against the shape it receives, the last
 * against the dataset's targets) and freezes the base up to `freezeUpTo`. The base's layers
 * keep their weights: they are the same layer objects in the new model. INVALID_MODEL (with
 * `path` under `transfer`) names what does not fit.
 */
export async function buildTransferModel(baseDir: string, transfer: TransferSpec, options: BuildModelOptions): Promise<TransferModel> {
  let base: tf.LayersModel;
  try {
    base = await loadModelFromDir(baseDir);
  } catch (err) {
    throw modelError(`the base model cannot be loaded: ${(err as Error).message}`, { path: ['transfer'] });
  }
  const popped = base.layers.slice(base.layers.length - transfer.popLayers);
  try {
    if (base.inputs.length !== 1) throw modelError(`the base model has ${base.inputs.length} inputs; transfer needs one`, { path: ['transfer'] });
    const baseInput = base.inputs[0].shape.slice(1);
    const fits = baseInput.length === options.inputShape.length && baseInput.every((d, i) => d === null || d === options.inputShape[i]);
    if (!fits) {
      throw modelError(`the base model takes inputs of shape [${baseInput.map((d) => d ?? 'any').join(', ')}], the dataset's are [${options.inputShape.join(', ')}]`, {
        path: ['transfer'],
        baseInputShape: baseInput,
        datasetInputShape: options.inputShape,
      });
    }
    const keep = base.layers.length - transfer.popLayers;
    const lowest = base.layers[0]?.getClassName() === 'InputLayer' ? 2 : 1;
    if (keep < lowest) {
      throw modelError(`popLayers ${transfer.popLayers} would drop every layer of the base (it has ${base.layers.length})`, { path: ['transfer', 'popLayers'] });
    }
    const baseLayers = base.layers.slice(0, keep);
    let x = baseLayers[keep - 1].output as tf.SymbolicTensor;
    if (Array.isArray(x)) throw modelError(`base layer ${keep - 1} has several outputs; pop one more or one fewer layer`, { path: ['transfer', 'popLayers'] });

    const taken = new Set(baseLayers.map((l) => l.name));
    transfer.replaceHead.forEach((spec, i) => {
      const at = ['transfer', 'replaceHead', i];
      const shape = x.shape.slice(1) as number[];
      const misfit = checkLayerInput(spec, shape);
      if (misfit) throw new AppError('INVALID_MODEL', `head layer ${i} (${spec.type}): ${misfit}`, { path: at, reason: misfit });
      // Named explicitly: tfjs's automatic names restart in every process and would collide with the base's own.
      const name = spec.name ?? uniqueName(`head_${i}_${spec.type}`, taken);
      if (taken.has(name)) throw new AppError('INVALID_MODEL', `head layer ${i} is named "${name}", which a base layer already uses`, { path: [...at, 'name'] });
      taken.add(name);
      try {
        const seed = options.seed === undefined ? undefined : options.seed + 1000 + i;
        x = createLayer({ ...spec, name }, { seed }).apply(x) as tf.SymbolicTensor;
      } catch (err) {
        throw new AppError('INVALID_MODEL', `head layer ${i} (${spec.type}): ${(err as Error).message}`, { path: at, reason: (err as Error).message });
      }
    });
    targetEncodingFor(options, x.shape.slice(1) as number[], options.loss);

    const model = tf.model({ inputs: base.inputs, outputs: x });
    const baseLayerNames = baseLayers.map((l) => l.name);
    // Checks every phase's unfreezeFrom names a base layer; the model starts as phase 1 trains.
    setTrainableFrom(model, baseLayerNames, phaseTrainableFrom(transfer, baseLayerNames)[0]);
    return { model, baseLayerNames };
  } catch (err) {
    base.dispose();
    throw err;
  } finally {
    // The popped layers are in no model now: free their weights.
    for (const layer of popped) disposeQuietly(layer);
  }
}

/**
 * Sets which layers train: base layers (named in `baseLayerNames`, in base order) from index
 * `from` up, and every other layer (the head). tfjs reads `trainable` when it compiles, so
 * the model must be compiled (with a new optimizer) after this.
 */
export function setTrainableFrom(model: tf.LayersModel, baseLayerNames: readonly string[], from: number): void {
  for (const layer of model.layers) {
    const index = baseLayerNames.indexOf(layer.name);
    layer.trainable = index < 0 || index >= from;
  }
}

/** The first base layer that trains in phase 1: the one after `freezeUpTo`, or none of the base by default. */
export function frozenBelow(transfer: Pick<TransferSpec, 'freezeUpTo'>, baseLayerNames: readonly string[]): number {
  if (transfer.freezeUpTo === undefined) return baseLayerNames.length;
  return resolveLayerRef(transfer.freezeUpTo, baseLayerNames.map((name) => ({ name })), ['transfer', 'freezeUpTo']) + 1;
}

/**
 * For each phase, the first base layer that trains during it: a phase's `unfreezeFrom`, else
 * the previous phase's (phase 1 starts from `freezeUpTo`).
 */
export function phaseTrainableFrom(transfer: Pick<TransferSpec, 'freezeUpTo' | 'phases'>, baseLayerNames: readonly string[]): number[] {
  let from = frozenBelow(transfer, baseLayerNames);
  const named = baseLayerNames.map((name) => ({ name }));
  return transfer.phases.map((phase, i) => {
    if (phase.unfreezeFrom !== undefined) from = resolveLayerRef(phase.unfreezeFrom, named, ['transfer', 'phases', i, 'unfreezeFrom']);
    return from;
  });
}

/** The names of a saved model's layers, in order, without keeping the model. */
export async function layerNamesOf(dir: string): Promise<string[]> {
  const model = await loadModelFromDir(dir);
  try {
    return model.layers.map((l) => l.name);
  } finally {
    model.dispose();
  }
}

/** A base layer's index from its index or name; INVALID_MODEL at `path` when the base has no such layer. */
export function resolveLayerRef(ref: LayerRef, baseLayers: readonly { name: string }[], path: (string | number)[]): number {
  const index = typeof ref === 'number' ? ref : baseLayers.findIndex((l) => l.name === ref);
  if (index < 0 || index >= baseLayers.length) {
    throw new AppError('INVALID_MODEL', `the base has no layer ${JSON.stringify(ref)} (it keeps ${baseLayers.length} layers: ${baseLayers.map((l) => l.name).join(', ')})`, {
      path,
      layer: ref,
    });
  }
  return index;
}

function uniqueName(wanted: string, taken: Set<string>): string {
  let name = wanted;
  for (let n = 2; taken.has(name); n++) name = `${wanted}_${n}`;
  return name;
}

function disposeQuietly(layer: { dispose(): unknown }) {
  try {
    layer.dispose();
  } catch {
    // A layer that was never built or is already disposed holds nothing more to free.
  }
}
