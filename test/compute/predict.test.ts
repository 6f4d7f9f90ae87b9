import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { predict } from '../../src/compute/predict.ts';
import { flattenPredictInput } from '../../src/compute/predict-inputs.ts';

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
    const { predictions } = await predict(model, { modelDir: '', ...flattenPredictInput({ instances: [[1, 0], [0, 1]] }, [2]), inputShape: [2], preprocessing: none, task: 'classification', classNames: ['cat', 'dog', 'bird'] });
    expect(predictions.map((p) => ('className' in p ? [p.classIndex, p.className] : null))).toEqual([[0, 'cat'], [2, 'bird']]);
    const first = predictions[0] as { probabilities: number[] };
    expect(first.probabilities).toHaveLength(3);
    expect(first.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('two classes on one sigmoid unit: both probabilities and the name of the likelier one', async () => {
    const model = fixed([[3]], [0], 'sigmoid');
    const { predictions } = await predict(model, { modelDir: '', ...flattenPredictInput({ instances: [[1], [-1]] }, [1]), inputShape: [1], preprocessing: none, task: 'classification', classNames: ['no', 'yes'] });
    const [pos, neg] = predictions as { probabilities: number[]; classIndex: number; className: string }[];
    expect(pos.className).toBe('yes');
    expect(neg.className).toBe('no');
    expect(pos.probabilities[1]).toBeCloseTo(1 / (1 + Math.exp(-3)), 5);
    expect(pos.probabilities[0] + pos.probabilities[1]).toBeCloseTo(1, 6);
  });

  it('multi-label: a probability per label and the names at or above 0.5', async () => {
    const model = fixed([[5, -5, 5]], [0, 0, -10], 'sigmoid');
    const { predictions } = await predict(model, { modelDir: '', ...flattenPredictInput({ instances: [[1], [3]] }, [1]), inputShape: [1], preprocessing: none, task: 'multilabel', classNames: ['action', 'comedy', 'drama'] });
    expect(predictions.map((p) => ('labels' in p ? p.labels : null))).toEqual([['action'], ['action', 'drama']]);
    expect((predictions[0] as { probabilities: number[] }).probabilities).toHaveLength(3);
  });
});

describe('predict inputs', () => {
  it('names the instance whose size does not fit', () => {
    let err: unknown;
    try {
      flattenPredictInput({ instances: [[1, 2, 3], [1, 2]] }, [3]);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { path: ['instances', 1], expected: 3, got: 2 } });
    expect((err as Error).message).toMatch(/^instances\[1\] has 2 values/);
  });

  it('flattens instances nested any way, in order, and counts what does not fit', () => {
    const shaped = flattenPredictInput({ instances: [[[1, 2], [3, 4]], [5, 6, 7, 8], [[[9]], [10, [11, [12]]]]] }, [2, 2]);
    expect(Array.from(shaped.inputs)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(flattenPredictInput({ instances: [7, [8]] }, [1]).inputs).toEqual(new Float32Array([7, 8]));
    expect(() => flattenPredictInput({ instances: [[1, [2, [3, 4, 5]]]] }, [4])).toThrow(/has 5 values/);
    expect(() => flattenPredictInput({ instances: [[[], []]] }, [1])).toThrow(/has 0 values/);
  });

  it('reads a flat float32 or uint8 tensor as the same values as nested instances', () => {
    const values = [[0, 0.5, 1], [2, 3, 255]];
    const nested = flattenPredictInput({ instances: values.map((row) => row.map((v) => [v])) }, [3, 1]);
    const f32 = flattenPredictInput({ tensor: { dtype: 'float32', shape: [2, 3, 1], data: Buffer.from(new Float32Array(values.flat()).buffer).toString('base64') } }, [3, 1]);
    expect(f32).toEqual(nested);
    const u8 = flattenPredictInput({ tensor: { dtype: 'uint8', shape: [1, 3], data: Buffer.from([2, 3, 255]).toString('base64') } }, [3]);
    expect(Array.from(u8.inputs)).toEqual([2, 3, 255]);
  });

  it('refuses a tensor whose shape or byte count does not fit the model', () => {
    const data = Buffer.from(new Float32Array(6).buffer).toString('base64');
    expect(() => flattenPredictInput({ tensor: { dtype: 'float32', shape: [2, 4], data } }, [3])).toThrow(/tensor.shape is \[2, 4\]/);
    expect(() => flattenPredictInput({ tensor: { dtype: 'float32', shape: [3, 3], data } }, [3])).toThrow(/holds 24 bytes/);
    const nan = Buffer.from(new Float32Array([1, Number.NaN, 2]).buffer).toString('base64');
    expect(() => flattenPredictInput({ tensor: { dtype: 'float32', shape: [1, 3], data: nan } }, [3])).toThrow(/NaN or infinite/);
  });
});
