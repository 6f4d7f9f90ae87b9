import * as tf from '@tensorflow/tfjs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import { loadCheckpointModel, loadOptimizerState, saveCheckpoint } from '../../src/training/checkpoint.ts';
import { removeTempDirs, tempDir } from './dataset-fixture.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(removeTempDirs);

const dataset = { inputShape: [3], targetShape: [1], numClasses: null, task: 'regression' as const };
const compile = { optimizer: { type: 'adam' as const, learningRate: 0.1 }, loss: 'meanSquaredError' as const };

async function valuesOf(weights: Awaited<ReturnType<tf.Optimizer['getWeights']>>) {
  return Promise.all(weights.map(async (w) => ({ name: w.name, values: Array.from(await w.tensor.data()) })));
}

describe('checkpoint', () => {
  it('round-trips weights and Adam state (iterations and moments)', async () => {
    const model = buildModel({ layers: [{ type: 'dense', units: 4, activation: 'relu' }, { type: 'dense', units: 1 }] }, dataset);
    const optimizer = compileModel(model, compile);
    const x = tf.randomNormal([8, 3]);
    const y = tf.randomNormal([8, 1]);
    for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
    const dir = path.join(await tempDir(), 'epoch-1');
    const size = await saveCheckpoint(model, dir, optimizer);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.bin', 'optimizer.json', 'weights.bin']);
    expect(size).toBeGreaterThan(0);

    const loaded = await loadCheckpointModel(dir);
    const restored = compileModel(loaded, compile);
    await loadOptimizerState(restored, dir);
    expect(restored.iterations).toBe(3);
    const [before, after] = [await optimizer.getWeights(), await restored.getWeights()];
    const [a, b] = [await valuesOf(before), await valuesOf(after)];
    expect(b.map((w) => w.values)).toEqual(a.map((w) => w.values));
    tf.dispose([before[0].tensor, after[0].tensor]);

    const xs = tf.ones([1, 3]);
    const [p, q] = [model.predict(xs) as tf.Tensor, loaded.predict(xs) as tf.Tensor];
    expect(Array.from(await q.data())).toEqual(Array.from(await p.data()));
    // One more identical step on both keeps them equal: resuming equals continuing.
    await model.trainOnBatch(x, y);
    await loaded.trainOnBatch(x, y);
    const [p2, q2] = [model.predict(xs) as tf.Tensor, loaded.predict(xs) as tf.Tensor];
    expect(Array.from(await q2.data())).toEqual(Array.from(await p2.data()));
    tf.dispose([x, y, xs, p, q, p2, q2]);
    model.dispose();
    loaded.dispose();
    optimizer.dispose();
    restored.dispose();
  });

  it('refuses state from another optimizer', async () => {
    const model = buildModel({ layers: [{ type: 'dense', units: 1 }] }, dataset);
    const optimizer = compileModel(model, compile);
    const dir = path.join(await tempDir(), 'epoch-1');
    await saveCheckpoint(model, dir, optimizer);
    const other = compileModel(model, { ...compile, optimizer: { type: 'sgd' } });
    await expect(loadOptimizerState(other, dir)).rejects.toThrow(/checkpoint optimizer is Adam/);
    model.dispose();
  });
});
