import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BACKEND } from '../../src/engine/engine-backend.ts';
import { engineFallbackStats, resetEngineFallbackStats } from '../../src/engine/fallback-stats.ts';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import { presetLayers } from '../../src/model/presets/preset-layers.ts';
import { optimizerSpecSchema, type CompileSpec, type OptimizerSpec } from '../../src/spec/compile-spec.schema.ts';
import { ACTIVATIONS, layerSpecSchema, type LayerSpec, type LayersModelSpec } from '../../src/spec/layer-spec.schema.ts';
import { presetSpecSchema, type PresetSpec } from '../../src/spec/preset-spec.schema.ts';
import { DataLoader } from '../../src/training/data-loader.ts';
import { trainLoop } from '../../src/training/train-loop.ts';
import { literalOf, shapeOf, unionOptions } from '../training/schema-options.ts';
import { useEngine } from './backend-parity.ts';

beforeAll(async () => {
  useEngine();
  await tf.setBackend(ENGINE_BACKEND);
});

const SIDE = 16;
const DATASET = { inputShape: [SIDE, SIDE, 1], targetShape: [1], numClasses: 3, task: 'classification' as const };
const ADAM: CompileSpec = { optimizer: { type: 'adam' }, loss: 'categoricalCrossentropy', metrics: ['accuracy'] };
const head: LayerSpec[] = [{ type: 'flatten' }, { type: 'dense', units: 3, activation: 'softmax' }];

/** A small model around each layer type the spec accepts; the test fails for a type missing here. */
const LAYER_CASES: Record<string, LayerSpec[]> = {
  dense: [{ type: 'flatten' }, { type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }],
  conv2d: [{ type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same' }, ...head],
  maxPooling2d: [{ type: 'maxPooling2d', poolSize: 3, strides: 2, padding: 'same' }, ...head],
  averagePooling2d: [{ type: 'averagePooling2d', poolSize: 3, strides: 2, padding: 'same' }, ...head],
  globalAveragePooling2d: [{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'globalAveragePooling2d' }, { type: 'dense', units: 3, activation: 'softmax' }],
  globalMaxPooling2d: [{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'globalMaxPooling2d' }, { type: 'dense', units: 3, activation: 'softmax' }],
  flatten: head,
  dropout: [{ type: 'dropout', rate: 0.3 }, ...head],
  batchNormalization: [{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'batchNormalization' }, ...head],
  activation: [{ type: 'activation', activation: 'relu' }, ...head],
  reshape: [{ type: 'reshape', targetShape: [SIDE * SIDE] }, { type: 'dense', units: 3, activation: 'softmax' }],
  zeroPadding2d: [{ type: 'zeroPadding2d', padding: [1, 2] }, ...head],
  add: [{ type: 'conv2d', name: 'a', filters: 2, kernelSize: 3, padding: 'same' }, { type: 'conv2d', name: 'b', inputs: ['input'], filters: 2, kernelSize: 1 }, { type: 'add', inputs: ['a', 'b'] }, ...head] as LayerSpec[],
  concatenate: [{ type: 'conv2d', name: 'a', filters: 2, kernelSize: 3, padding: 'same' }, { type: 'conv2d', name: 'b', inputs: ['input'], filters: 3, kernelSize: 1 }, { type: 'concatenate', inputs: ['a', 'b'] }, ...head] as LayerSpec[],
};

const PRESET_OPTIONS: Record<string, Partial<PresetSpec>> = { alexnet: { widthMultiplier: 0.25 }, vgg16: { widthMultiplier: 0.125 } };

/**
 * Trains one epoch (two steps, and a validation pass when `validation`) on side×side inputs
 * on the engine; the kernels that fell back, with their calls.
 */
async function fallbacksOfTraining(spec: LayersModelSpec, compile: CompileSpec = ADAM, side = SIDE, validation = true): Promise<Record<string, number>> {
  const n = validation ? 8 : 4;
  const dataset = { ...DATASET, inputShape: [side, side, 1] };
  const data = { features: Float32Array.from({ length: n * side * side }, (_, i) => ((i * 37) % 101) / 101), targets: Float32Array.from({ length: n }, (_, i) => i % 3), numSamples: n };
  const model = buildModel(spec, { ...dataset, loss: compile.loss, seed: 7 });
  const optimizer = compileModel(model, compile);
  const loader = new DataLoader(data, { numSamples: n, inputShape: dataset.inputShape, targetShape: [1], encoding: { kind: 'oneHot', numClasses: 3 }, batchSize: validation ? 3 : 2, validationSplit: validation ? 0.25 : 0, shuffle: true, seed: 1 });
  resetEngineFallbackStats();
  const outcome = await trainLoop({ model, optimizer, loader, startEpoch: 1, totalEpochs: 1, shouldStop: () => false, onEpochEnd: async () => {} });
  model.dispose();
  optimizer.dispose();
  expect(outcome.status).toBe('completed');
  return Object.fromEntries(engineFallbackStats().map((s) => [s.kernel, s.calls]));
}

describe('no kernel of a training step falls back to tfjs JS code on the engine', () => {
  const layerTypes = unionOptions(layerSpecSchema).map((o) => literalOf(shapeOf(o).type));
  it('has a case for every layer type the spec accepts', () => {
    expect(Object.keys(LAYER_CASES).sort()).toEqual([...layerTypes].sort());
  });

  it.each(layerTypes)('layer %s', async (type) => {
    expect(await fallbacksOfTraining({ layers: LAYER_CASES[type] ?? [] })).toEqual({});
  });

  const presets = unionOptions(presetSpecSchema).map((o) => literalOf(shapeOf(o).preset));
  it.each(presets)('preset %s', async (preset) => {
    // The presets need room to pool: 32×32, and a batch of 2 keeps vgg16 quick.
    const spec = presetLayers({ preset, ...PRESET_OPTIONS[preset] } as PresetSpec, { ...DATASET, inputShape: [32, 32, 1] });
    expect(await fallbacksOfTraining(spec, ADAM, 32, false)).toEqual({});
  });

  it.each([...ACTIVATIONS])('activation %s', async (activation) => {
    expect(await fallbacksOfTraining({ layers: [{ type: 'flatten' }, { type: 'dense', units: 6, activation }, { type: 'dense', units: 3, activation: 'softmax' }] })).toEqual({});
  });

  const optimizers = unionOptions(optimizerSpecSchema).map((o) => literalOf(shapeOf(o).type));
  it.each(optimizers)('optimizer %s', async (type) => {
    expect(await fallbacksOfTraining({ layers: head }, { ...ADAM, optimizer: { type } as OptimizerSpec })).toEqual({});
  });
});
