import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import { fileLoadHandler, fileSaveHandler } from '../../src/model/file-model-io.ts';
import type { CompileSpec } from '../../src/spec/compile-spec.schema.ts';
import { loadCheckpointModel, loadOptimizerState, saveCheckpoint } from '../../src/training/checkpoint.ts';
import { removeTempDirs, tempDir } from '../training/dataset-fixture.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(removeTempDirs);

const dataset = { inputShape: [3], targetShape: [1], numClasses: null, task: 'regression' as const };
const layers = { layers: [{ type: 'dense' as const, units: 4, activation: 'tanh' as const }, { type: 'dense' as const, units: 1 }] };

/** Targets close to what a fresh model outputs: the gradients are tiny, as late in training. */
const tinyBatch = () => tf.tidy(() => [tf.randomNormal([8, 3], 0, 1e-3, 'float32', 1), tf.randomNormal([8, 1], 0, 1e-3, 'float32', 2)] as const);

async function steps(model: tf.LayersModel, n: number): Promise<number[]> {
  const [x, y] = tinyBatch();
  const losses: number[] = [];
  for (let i = 0; i < n; i++) losses.push((await model.trainOnBatch(x, y)) as number);
  tf.dispose([x, y]);
  return losses;
}

/** Trains 3 steps, checkpoints, and checks 3 more steps on the restored copy equal 3 more on the original, loss for loss. */
async function expectExactResume(compile: CompileSpec) {
  const model = buildModel(layers, { ...dataset, seed: 3 });
  const optimizer = compileModel(model, compile);
  await steps(model, 3);
  const dir = path.join(await tempDir(), 'epoch-1');
  await saveCheckpoint(model, dir, optimizer);
  const restored = await loadCheckpointModel(dir);
  const restoredOptimizer = compileModel(restored, compile);
  await loadOptimizerState(restoredOptimizer, dir);
  expect(restoredOptimizer.iterations).toBe(3);
  expect(await steps(restored, 3)).toEqual(await steps(model, 3));
  for (const m of [model, restored]) m.dispose();
  for (const o of [optimizer, restoredOptimizer]) o.dispose();
}

describe('optimizers tfjs ships broken', () => {
  it('centered RMSProp: tfjs goes NaN on tiny gradients, ours trains them, and resumes exactly', async () => {
    const compile: CompileSpec = { optimizer: { type: 'rmsprop', learningRate: 0.01, centered: true }, loss: 'meanSquaredError' };
    const broken = buildModel(layers, { ...dataset, seed: 3 });
    broken.compile({ optimizer: tf.train.rmsprop(0.01, 0.9, 0, undefined, true), loss: 'meanSquaredError' });
    expect((await steps(broken, 3)).some(Number.isNaN)).toBe(true);
    broken.dispose();

    const model = buildModel(layers, { ...dataset, seed: 3 });
    const optimizer = compileModel(model, compile);
    expect((await steps(model, 20)).every(Number.isFinite)).toBe(true);
    model.dispose();
    optimizer.dispose();
    await expectExactResume(compile);
  });

  it('Adamax (with decay): its state is saved in checkpoints and a resumed run continues exactly', async () => {
    await expectExactResume({ optimizer: { type: 'adamax', learningRate: 0.05, decay: 0.01 }, loss: 'meanSquaredError' });
  });
});

describe('activations tfjs cannot read back', () => {
  it('a model with gelu_new saved by tfjs loads with plain tf.loadLayersModel and predicts the same', async () => {
    const model = buildModel({ layers: [{ type: 'dense', units: 3, activation: 'gelu_new' }, { type: 'dense', units: 1 }] }, { ...dataset, seed: 1 });
    const dir = await tempDir();
    await model.save(fileSaveHandler(dir));
    const loaded = await tf.loadLayersModel(fileLoadHandler(dir));
    const x = tf.tensor2d([[0.5, -1, 2]]);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});
