import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import { saveCheckpoint } from '../../src/training/checkpoint.ts';
import { DataLoader } from '../../src/training/data-loader.ts';
import { trainLoop, type EpochResult } from '../../src/training/train-loop.ts';
import { squaresImages, squaresInfo, removeTempDirs, tempDir, TINY_CNN } from './dataset-fixture.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(removeTempDirs);

function setup(categorical: boolean) {
  const arrays = squaresImages(48);
  const model = buildModel({ layers: TINY_CNN }, { ...squaresInfo, seed: 1 });
  const loss = categorical ? 'categoricalCrossentropy' : 'sparseCategoricalCrossentropy';
  const optimizer = compileModel(model, { optimizer: { type: 'adam', learningRate: 0.01 }, loss, metrics: ['accuracy'] });
  const loader = new DataLoader(arrays, {
    numSamples: 48,
    inputShape: [28, 28, 1],
    targetShape: [1],
    encoding: categorical ? { kind: 'oneHot', numClasses: 2 } : { kind: 'index' },
    batchSize: 16,
    validationSplit: 0.25,
    shuffle: true,
    seed: 5,
  });
  return { model, optimizer, loader };
}

describe('trainLoop', () => {
  it('reports tfjs metric names, learns, and does not grow the tensor count', async () => {
    const { model, optimizer, loader } = setup(false);
    const dir = await tempDir();
    const results: EpochResult[] = [];
    const tensorsAfter: number[] = [];
    const outcome = await trainLoop({
      model,
      optimizer,
      loader,
      startEpoch: 1,
      totalEpochs: 5,
      shouldStop: () => false,
      onEpochEnd: async (result) => {
        results.push(result);
        await saveCheckpoint(model, path.join(dir, `epoch-${result.epoch}`), optimizer);
        tensorsAfter.push(tf.memory().numTensors);
      },
    });
    expect(outcome).toEqual({ status: 'completed', lastEpoch: 5 });
    expect(Object.keys(results[0].metrics).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    expect(results.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(results[4].metrics.acc).toBeGreaterThan(0.75);
    expect(results[4].learningRate).toBe(0.01);
    expect(results[0].samplesPerSec).toBeGreaterThan(0);
    expect(tensorsAfter[4]).toBe(tensorsAfter[1]);
    model.dispose();
    optimizer.dispose();
  });

  it('one-hot encodes for categoricalCrossentropy and still names accuracy acc', async () => {
    const { model, optimizer, loader } = setup(true);
    const results: EpochResult[] = [];
    await trainLoop({ model, optimizer, loader, startEpoch: 1, totalEpochs: 2, shouldStop: () => false, onEpochEnd: async (r) => void results.push(r) });
    expect(results[1].metrics.acc).toBeGreaterThanOrEqual(0);
    expect(results[1].metrics.val_acc).toBeGreaterThanOrEqual(0);
    model.dispose();
    optimizer.dispose();
  });

  it('stops at the batch after a cancel', async () => {
    const { model, optimizer, loader } = setup(false);
    let batches = 0;
    const outcome = await trainLoop({
      model,
      optimizer,
      loader,
      startEpoch: 1,
      totalEpochs: 100,
      shouldStop: () => ++batches >= 2,
      onEpochEnd: async () => {},
    });
    expect(outcome).toEqual({ status: 'canceled', lastEpoch: 0 });
    expect(optimizer.iterations).toBe(2);
    model.dispose();
    optimizer.dispose();
  });
});

describe('DataLoader', () => {
  it('splits off the last fraction, shuffles reproducibly with a seed', () => {
    const arrays = squaresImages(10);
    const options = { numSamples: 10, inputShape: [28, 28, 1], targetShape: [1], encoding: { kind: 'index' as const }, batchSize: 4, validationSplit: 0.2, shuffle: true };
    const plain = new DataLoader(arrays, options);
    expect([...plain.validation]).toEqual([8, 9]);
    const a = new DataLoader(arrays, { ...options, seed: 1 });
    const b = new DataLoader(arrays, { ...options, seed: 1 });
    expect([...a.validation]).toEqual([...b.validation]);
    const sizes = [...a.trainBatches(1)].map((batch) => {
      const size = [batch.size, ...batch.xs.shape];
      tf.dispose([batch.xs, batch.ys]);
      return size;
    });
    expect(sizes).toEqual([
      [4, 4, 28, 28, 1],
      [4, 4, 28, 28, 1],
    ]);
  });

  it('refuses truncated files and bad class indices', () => {
    const arrays = squaresImages(4);
    const options = { numSamples: 5, inputShape: [28, 28, 1], targetShape: [1], encoding: { kind: 'index' as const }, batchSize: 4, validationSplit: 0, shuffle: false };
    expect(() => new DataLoader(arrays, options)).toThrow(/expected 3920 and 5/);
    arrays.targets[2] = 7;
    expect(() => new DataLoader(arrays, { ...options, numSamples: 4, encoding: { kind: 'oneHot', numClasses: 2 } })).toThrow(/sample 2 has class index 7/);
  });
});
