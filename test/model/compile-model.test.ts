import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import { LOSSES, METRICS, type LossName, type MetricName } from '../../src/spec/compile-spec.schema.ts';
import { huberLoss, precisionMetric, recallMetric } from '../../src/model/metric-functions.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const value = (t: tf.Tensor) => {
  const v = t.mean().dataSync()[0];
  t.dispose();
  return v;
};

describe('losses and metrics', () => {
  it('huber is quadratic below delta 1 and linear above', () => {
    expect(value(huberLoss(tf.tensor2d([[0]]), tf.tensor2d([[0.5]])))).toBeCloseTo(0.125, 6);
    expect(value(huberLoss(tf.tensor2d([[0]]), tf.tensor2d([[3]])))).toBeCloseTo(2.5, 6);
  });

  it('precision and recall threshold sigmoid outputs and argmax softmax outputs', () => {
    // Multi-label: truth [1,0,1],[0,1,0]; predicted positives (> 0.5): [1,1,0],[0,1,0] → TP 2, predicted 3, actual 3.
    const truth = tf.tensor2d([[1, 0, 1], [0, 1, 0]]);
    const probs = tf.tensor2d([[0.9, 0.6, 0.2], [0.1, 0.8, 0.4]]);
    expect(value(precisionMetric('binaryCrossentropy')(truth, probs))).toBeCloseTo(2 / 3, 5);
    expect(value(recallMetric('binaryCrossentropy')(truth, probs))).toBeCloseTo(2 / 3, 5);
    // Sparse targets against softmax: classes 0, 2, 1 predicted as 0, 1, 1 → 2 of 3 right.
    const sparse = tf.tensor2d([[0], [2], [1]]);
    const softmax = tf.tensor2d([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.8, 0.1]]);
    expect(value(precisionMetric('sparseCategoricalCrossentropy')(sparse, softmax))).toBeCloseTo(2 / 3, 5);
    tf.dispose([truth, probs, sparse, softmax]);
  });

  const fitOnce = async (loss: LossName, metrics: MetricName[], units: number, task: 'regression' | 'multilabel') => {
    const model = buildModel({ layers: [{ type: 'dense', units, activation: task === 'multilabel' ? 'sigmoid' : 'linear' }] }, {
      inputShape: [2],
      targetShape: [units],
      numClasses: task === 'multilabel' ? units : null,
      task,
      seed: 1,
    });
    compileModel(model, { optimizer: { type: 'sgd', learningRate: 0.01 }, loss, metrics });
    const x = tf.tensor2d([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]]);
    const y = tf.tensor2d([[1, 0], [0, 1], [1, 1], [0.5, 0.25]].map((r) => r.slice(0, units)));
    const values = (await model.trainOnBatch(x, y)) as number[];
    const names = model.metricsNames;
    tf.dispose([x, y]);
    model.dispose();
    return { names, values };
  };

  it('reports the regression metrics under their names', async () => {
    const { names, values } = await fitOnce('huber', ['mse', 'mae', 'mape', 'msle', 'cosine'], 2, 'regression');
    expect(names).toEqual(['loss', 'mse', 'mae', 'mape', 'msle', 'cosine']);
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it('multi-label: sigmoid + binaryCrossentropy with accuracy, precision, recall', async () => {
    const { names, values } = await fitOnce('binaryCrossentropy', ['accuracy', 'precision', 'recall'], 2, 'multilabel');
    expect(names).toEqual(['loss', 'acc', 'precision', 'recall']);
    expect(values.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });

  it.each(LOSSES.filter((l) => !['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'categoricalHinge'].includes(l)))('loss %s compiles and gives a finite loss', async (loss) => {
    const { values } = await fitOnce(loss, [], 2, 'multilabel');
    expect(Number.isFinite(Array.isArray(values) ? values[0] : values)).toBe(true);
  });

  it('accepts the long names of the regression metrics and reports them under the short ones', async () => {
    const { names } = await fitOnce('meanSquaredError', ['meanSquaredError', 'meanAbsoluteError', 'meanAbsolutePercentageError'], 2, 'regression');
    expect(names).toEqual(['loss', 'mse', 'mae', 'mape']);
  });

  it.each(METRICS.filter((m) => !['precision', 'recall'].includes(m)))('metric %s compiles and trains', async (metric) => {
    const { values } = await fitOnce('binaryCrossentropy', [metric], 2, 'multilabel');
    expect((Array.isArray(values) ? values : [values]).every(Number.isFinite)).toBe(true);
  });
});
