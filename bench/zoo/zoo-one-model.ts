import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { loadNativeEngine } from '../../src/engine/native-engine.ts';
import { presetLayers } from '../../src/model/presets/preset-layers.ts';
import type { PresetSpec } from '../../src/spec/preset-spec.schema.ts';
import { selectBackend } from '../../src/training/select-backend.ts';
import { loadBenchDataset, testAccuracy } from '../bench-dataset.ts';
import { trainZooModel } from './train-zoo-model.ts';
import { ZOO_MODELS } from './zoo-models.ts';

/**
 * One model of `npm run bench:zoo`, in its own process (forked by zoo.bench.ts) so that its
 * memory and kernels' state are its own. Arguments: model (a zoo model's name or
 * `preset:<name>`), samples, epochs, backend, where to write the model's Keras topology for
 * its PyTorch twin, and optionally test images to measure the accuracy on. Prints one JSON line.
 * ZOO_PROFILE (steps; unset or 0 skips) adds a kernel profile of that many more steps.
 * ZOO_DIRECT_CONV=0 keeps every convolution on im2col + GEMM, to measure the direct path against it.
 * ZOO_SEED (default 42) seeds the weights, the shuffles and dropout.
 */
const [name, samplesArg, epochsArg, backend, topologyFile, testArg = '0'] = process.argv.slice(2);
const DATASET = { inputShape: [28, 28, 1], targetShape: [1], numClasses: 10, task: 'classification' as const };

function specOf(model: string) {
  if (model.startsWith('preset:')) return presetLayers({ preset: model.slice('preset:'.length) } as PresetSpec, DATASET);
  const zoo = ZOO_MODELS.find((m) => m.name === model);
  if (!zoo) throw new Error(`no zoo model ${model}`);
  return zoo.model;
}

if (process.env.ZOO_DIRECT_CONV === '0') {
  const native = loadNativeEngine();
  if (native.ok) native.engine.directConv(false);
}

try {
  await selectBackend(backend as 'engine');
  const data = await loadBenchDataset(Number(samplesArg), Math.max(1, Number(testArg)));
  const result = await trainZooModel(specOf(name), data.train, { epochs: Number(epochsArg), batchSize: 64, seed: Number(process.env.ZOO_SEED ?? 42), profileSteps: Number(process.env.ZOO_PROFILE ?? 0) });
  writeFileSync(topologyFile, JSON.stringify(result.model.toJSON(null, false)));
  const params = result.model.countParams();
  const testAcc = Number(testArg) > 0 ? await testAccuracy(result.model, data.test) : undefined;
  result.model.dispose();
  const { samplesPerSec, epochs, fallbacks, wallMs, profile } = result;
  process.stdout.write(`${JSON.stringify({ name, params, dataset: data.source, samplesPerSec, wallMs, testAcc, epochs, fallbacks, profile, numTensors: tf.memory().numTensors })}\n`);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ name, error: String((err as Error).message ?? err).split('\n')[0] })}\n`);
  process.exitCode = 1;
}
