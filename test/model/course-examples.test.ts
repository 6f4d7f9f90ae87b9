import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';

/** The worked examples of the course, computed through our builder with hand-set weights. */
const image = [
  [1, 2, 3, 0],
  [0, 1, 2, 3],
  [3, 0, 1, 2],
  [2, 3, 0, 1],
];
const filter = [
  [2, 0, 1],
  [0, 1, 2],
  [1, 0, 2],
];

/** Runs one single-channel image through a one-filter conv2d built from a spec. */
function convolve(padding: 'valid' | 'same') {
  const out = padding === 'valid' ? 2 : 4;
  const model = buildModel(
    { layers: [{ type: 'conv2d', filters: 1, kernelSize: 3, padding, useBias: false }, { type: 'flatten' }] },
    { inputShape: [4, 4, 1], targetShape: [out * out], numClasses: null, task: 'regression' },
  );
  model.layers[0].setWeights([tf.tensor4d(filter.flat(), [3, 3, 1, 1])]);
  const y = model.predict(tf.tensor4d(image.flat(), [1, 4, 4, 1])) as tf.Tensor;
  const result = y.reshape([out, out]).arraySync();
  model.dispose();
  return result;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('course examples', () => {
  it('convolves 4×4 with a 3×3 filter, valid padding', () => {
    expect(convolve('valid')).toEqual([
      [15, 16],
      [6, 15],
    ]);
  });

  it('convolves with zero padding 1 ("same")', () => {
    expect(convolve('same')).toEqual([
      [7, 12, 10, 2],
      [4, 15, 16, 10],
      [10, 6, 15, 6],
      [8, 10, 4, 3],
    ]);
  });

  it('max-pools 2×2', () => {
    const model = buildModel(
      { layers: [{ type: 'maxPooling2d', poolSize: 2 }, { type: 'flatten' }] },
      { inputShape: [4, 4, 1], targetShape: [4], numClasses: null, task: 'regression' },
    );
    const x = tf.tensor4d([12, 20, 30, 0, 8, 12, 2, 0, 34, 70, 37, 4, 112, 100, 25, 12], [1, 4, 4, 1]);
    expect((model.predict(x) as tf.Tensor).reshape([2, 2]).arraySync()).toEqual([
      [20, 30],
      [112, 37],
    ]);
    model.dispose();
  });

  it('fits H(X) = XW + b on the quiz-score table', async () => {
    const rows = [
      [73, 80, 75, 152],
      [93, 88, 93, 185],
      [89, 91, 90, 180],
      [96, 98, 100, 196],
      [73, 66, 70, 142],
    ];
    const columns = [0, 1, 2].map((j) => rows.map((r) => r[j]));
    const mean = columns.map((c) => c.reduce((a, b) => a + b) / c.length);
    const std = columns.map((c, j) => Math.sqrt(c.reduce((a, b) => a + (b - mean[j]) ** 2, 0) / c.length));
    const x = tf.tensor2d(rows.map((r) => r.slice(0, 3).map((v, j) => (v - mean[j]) / std[j])));
    const y = tf.tensor2d(rows.map((r) => [r[3]]));
    const model = buildModel({ layers: [{ type: 'dense', units: 1 }] }, { inputShape: [3], targetShape: [1], numClasses: null, task: 'regression', seed: 1 });
    compileModel(model, { optimizer: { type: 'sgd', learningRate: 0.1 }, loss: 'meanSquaredError' });
    const history = await model.fit(x, y, { epochs: 100, batchSize: 5, verbose: 0 });
    const loss = history.history.loss as number[];
    expect(loss[loss.length - 1]).toBeLessThan(loss[0] / 1000);
    tf.dispose([x, y]);
    model.dispose();
  });
});
