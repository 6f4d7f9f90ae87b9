import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataLoader, disposeBatch } from '../../src/training/data-loader.ts';
import { evaluateModel } from '../../src/training/evaluate-model.ts';
import { rebasePreprocessing } from '../../src/training/preprocessing-rebase.ts';
import { trainStep } from '../../src/training/train-step.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** n samples of 2 features; class 1 for the last `ones` samples. */
function twoClass(n: number, ones: number) {
  const features = Float32Array.from({ length: n * 2 }, (_, i) => ((i * 7919) % 13) / 13 - 0.5);
  const targets = Float32Array.from({ length: n }, (_, i) => (i >= n - ones ? 1 : 0));
  return { features, targets };
}
const base = { inputShape: [2], targetShape: [1], encoding: { kind: 'index' as const }, numClasses: 2, batchSize: 4, shuffle: true };

describe('DataLoader splits', () => {
  it('holds the test split out first, then validation from the rest, disjoint and seeded', () => {
    const arrays = twoClass(20, 10);
    const a = new DataLoader(arrays, { ...base, numSamples: 20, testSplit: 0.25, validationSplit: 0.2, seed: 9 });
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([12, 3, 5]);
    expect(new Set([...a.train, ...a.validation, ...a.test]).size).toBe(20);
    const b = new DataLoader(arrays, { ...base, numSamples: 20, testSplit: 0.25, validationSplit: 0.4, seed: 9 });
    // Changing the validation fraction never moves samples into or out of the test split.
    expect([...b.test]).toEqual([...a.test]);
    const c = new DataLoader(arrays, { ...base, numSamples: 20, testSplit: 0.25, validationSplit: 0.2, seed: 10 });
    expect([...c.test]).not.toEqual([...a.test]);
    let tested = 0;
    for (const batch of a.testBatches()) {
      tested += batch.size;
      disposeBatch(batch);
    }
    expect(tested).toBe(5);
  });
});

describe('class weights', () => {
  it('balanced: n / (k × count) over the training samples, attached to training batches only', () => {
    const loader = new DataLoader(twoClass(20, 5), { ...base, numSamples: 20, validationSplit: 0, shuffle: false, classWeight: 'balanced' });
    expect(Array.from(loader.classWeights!).map((w) => Number(w.toFixed(4)))).toEqual([0.6667, 2]);
    const [first] = loader.trainBatches(1);
    expect(Array.from(first.sampleWeights!.dataSync()).map((w) => Number(w.toFixed(4)))).toEqual([0.6667, 0.6667, 0.6667, 0.6667]);
    disposeBatch(first);
    const explicit = new DataLoader(twoClass(20, 5), { ...base, numSamples: 20, validationSplit: 0, classWeight: { '1': 3 } });
    expect(Array.from(explicit.classWeights!)).toEqual([1, 3]);
    expect(() => new DataLoader(twoClass(20, 5), { ...base, numSamples: 20, validationSplit: 0, classWeight: { '2': 3 } })).toThrow(/class 2/);
  });

  it('multiply each sample\'s loss: weights of 2 double the batch loss', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'softmax', kernelInitializer: 'ones' })] });
    model.compile({ optimizer: tf.train.sgd(1e-9), loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
    const xs = tf.tensor2d([[1, 2], [0, 1], [2, 0], [1, 1]]);
    const ys = tf.tensor2d([[0], [1], [1], [0]]);
    const weights = tf.tensor1d([2, 2, 2, 2]);
    try {
      const [plain] = await trainStep(model, xs, ys);
      const [weighted, acc] = await trainStep(model, xs, ys, weights);
      expect(weighted / plain).toBeCloseTo(2, 4);
      expect(acc).toBeGreaterThanOrEqual(0);
    } finally {
      tf.dispose([xs, ys, weights]);
      model.dispose();
    }
  });
});

describe('evaluateModel', () => {
  it('averages loss and metrics over all samples and counts a confusion matrix (rows true, columns predicted)', async () => {
    // Predicts class 1 exactly when x0 > x1.
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'softmax', weights: [tf.tensor2d([[-5, 5], [5, -5]]), tf.zeros([2])] })] });
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
    const features = Float32Array.from([1, 0, 0, 1, 2, 1, 0, 2, 3, 0, 1, 3]);
    const targets = Float32Array.from([1, 0, 0, 0, 1, 1]);
    const loader = new DataLoader({ features, targets }, { ...base, numSamples: 6, batchSize: 4, validationSplit: 0, shuffle: false });
    const result = await evaluateModel(model, loader.allBatches(), { classNames: ['no', 'yes'] });
    // Predictions: 1, 0, 1, 0, 1, 0 against truths 1, 0, 0, 0, 1, 1.
    expect(result.confusionMatrix).toEqual({ classNames: ['no', 'yes'], matrix: [[2, 1], [1, 2]] });
    expect(result.numSamples).toBe(6);
    expect(result.metrics.acc).toBeCloseTo(4 / 6, 5);
    expect(Object.keys(result.metrics)).toEqual(['loss', 'acc']);
    model.dispose();
  });
});

describe('rebasePreprocessing', () => {
  it('re-expresses features standardised with other statistics in the training ones', () => {
    const raw = [10, 100, 20, 300];
    const other = { kind: 'standardize' as const, mean: [15, 200], std: [5, 100] };
    const training = { kind: 'standardize' as const, mean: [10, 100], std: [10, 50] };
    const stored = Float32Array.from(raw.map((v, i) => (v - other.mean[i % 2]) / other.std[i % 2]));
    rebasePreprocessing(stored, other, training, 2);
    expect(Array.from(stored)).toEqual(raw.map((v, i) => (v - training.mean[i % 2]) / training.std[i % 2]));
    const same = Float32Array.from([0.5]);
    rebasePreprocessing(same, { kind: 'scale', factor: 1 / 255 }, { kind: 'scale', factor: 1 / 255 }, 1);
    expect(same[0]).toBe(0.5);
  });
});
