import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tfjsMetrics } from '../../src/model/compile-model.ts';
import { evaluateModel } from '../../src/training/evaluate-model.ts';
import type { Batch } from '../../src/training/data-loader.ts';

/** Seeded values in [-1, 1), so the comparison is the same every run. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 30) - 1);
}

function classificationBatches(count: number, size: number, k: number): Batch[] {
  return Array.from({ length: count }, (_, b) => {
    const labels = Array.from({ length: size }, (_, i) => (i * 7 + b * 3) % k);
    return { xs: tf.tensor2d(values(size * 6, b + 1), [size, 6]), ys: tf.oneHot(labels, k).toFloat(), size };
  });
}

function sequentialClassifier(k: number) {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 8, activation: 'tanh' }), tf.layers.dense({ units: k, activation: 'softmax' })] });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: tfjsMetrics(['accuracy', 'precision', 'mse'], 'categoricalCrossentropy') });
  return model;
}

/** tfjs's own evaluate over the same batches, weighted by batch size as evaluateModel weighs them. */
async function tfjsEvaluate(model: tf.LayersModel, batches: Batch[]) {
  const sums = new Array<number>(model.metricsNames.length).fill(0);
  let seen = 0;
  for (const b of batches) {
    const out = model.evaluate(b.xs, b.ys, { batchSize: b.size });
    const scalars = Array.isArray(out) ? out : [out];
    for (let i = 0; i < scalars.length; i++) sums[i] += (await scalars[i].data())[0] * b.size;
    tf.dispose(scalars);
    seen += b.size;
  }
  return Object.fromEntries(model.metricsNames.map((n, i) => [n, sums[i] / seen]));
}

describe('evaluateModel', () => {
  it("gives tfjs evaluate's loss and metrics, per sample, for a Sequential model, and its confusion matrix counts every sample once", async () => {
    const k = 4;
    const model = sequentialClassifier(k);
    const expected = await tfjsEvaluate(model, classificationBatches(3, 10, k));
    const before = tf.memory().numTensors;
    const result = await evaluateModel(model, classificationBatches(3, 10, k), { classNames: ['a', 'b', 'c', 'd'] });
    expect(Object.keys(result.metrics)).toEqual(model.metricsNames);
    for (const name of model.metricsNames) expect(result.metrics[name], name).toBeCloseTo(expected[name], 5);
    expect(result.numSamples).toBe(30);
    const matrix = result.confusionMatrix!.matrix;
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(30);
    // Row sums are the true class counts of the generated labels.
    const truth = new Array(k).fill(0);
    for (let b = 0; b < 3; b++) for (let i = 0; i < 10; i++) truth[(i * 7 + b * 3) % k]++;
    expect(matrix.map((row) => row.reduce((a, c) => a + c, 0))).toEqual(truth);
    // The diagonal over the total is the accuracy tfjs reported.
    expect(matrix.reduce((a, row, i) => a + row[i], 0) / 30).toBeCloseTo(expected.acc, 5);
    model.dispose();
    // Batches disposed, nothing left behind but what the caller's batches were (already disposed).
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('gives the same numbers for a functional model and a regression loss', async () => {
    const input = tf.input({ shape: [6] });
    const output = tf.layers.dense({ units: 2 }).apply(tf.layers.dense({ units: 5, activation: 'relu' }).apply(input)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    model.compile({ optimizer: 'sgd', loss: 'meanAbsoluteError', metrics: ['mse'] });
    const batches = () => [0, 1].map((b) => ({ xs: tf.tensor2d(values(8 * 6, b + 9), [8, 6]), ys: tf.tensor2d(values(8 * 2, b + 20), [8, 2]), size: 8 }));
    const expected = await tfjsEvaluate(model, batches());
    const result = await evaluateModel(model, batches());
    for (const name of model.metricsNames) expect(result.metrics[name], name).toBeCloseTo(expected[name], 5);
    expect(result.confusionMatrix).toBeUndefined();
    model.dispose();
  });

  it('refuses a model that was never compiled, rather than reporting nothing', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 2 })] });
    await expect(evaluateModel(model, [])).rejects.toThrow(/compiled/);
    model.dispose();
  });
});
