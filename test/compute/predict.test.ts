import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { predict } from '../../src/compute/predict.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A dense layer with fixed weights: outputs are activation(x · kernel + bias). */
function fixed(kernel: number[][], bias: number[], activation: 'softmax' | 'sigmoid') {
  return tf.sequential({
    layers: [tf.layers.dense({ inputShape: [kernel.length], units: bias.length, activation, weights: [tf.tensor2d(kernel), tf.tensor1d(bias)] })],
  });
}

const none = { kind: 'none' as const };

describe('predict answers people can read', () => {
  it('classification: probabilities, the likeliest class index and its name', async () => {
    const model = fixed([[4, -4, 0], [0, 0, 4]], [0, 0, 0], 'softmax');
    const { predictions } = await predict(model, { modelDir: '', instances: [[1, 0], [0, 1]], inputShape: [2], preprocessing: none, task: 'classification', classNames: ['cat', 'dog', 'bird'] });
    expect(predictions.map((p) => ('className' in p ? [p.classIndex, p.className] : null))).toEqual([[0, 'cat'], [2, 'bird']]);
    const first = predictions[0] as { probabilities: number[] };
    expect(first.probabilities).toHaveLength(3);
    expect(first.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('two classes on one sigmoid unit: both probabilities and the name of the likelier one', async () => {
    const model = fixed([[3]], [0], 'sigmoid');
    const { predictions } = await predict(model, { modelDir: '', instances: [[1], [-1]], inputShape: [1], preprocessing: none, task: 'classification', classNames: ['no', 'yes'] });
    const [pos, neg] = predictions as { probabilities: number[]; classIndex: number; className: string }[];
    expect(pos.className).toBe('yes');
    expect(neg.className).toBe('no');
    expect(pos.probabilities[1]).toBeCloseTo(1 / (1 + Math.exp(-3)), 5);
    expect(pos.probabilities[0] + pos.probabilities[1]).toBeCloseTo(1, 6);
  });

  it('multi-label: a probability per label and the names at or above 0.5', async () => {
    const model = fixed([[5, -5, 5]], [0, 0, -10], 'sigmoid');
    const { predictions } = await predict(model, { modelDir: '', instances: [[1], [3]], inputShape: [1], preprocessing: none, task: 'multilabel', classNames: ['action', 'comedy', 'drama'] });
    expect(predictions.map((p) => ('labels' in p ? p.labels : null))).toEqual([['action'], ['action', 'drama']]);
    expect((predictions[0] as { probabilities: number[] }).probabilities).toHaveLength(3);
  });
});
