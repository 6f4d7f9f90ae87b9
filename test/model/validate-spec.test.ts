import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.ts';
import { validateRunSpec } from '../../src/model/validate-spec.ts';
import { runSpecSchema } from '../../src/spec/run-spec.schema.ts';

const spec = (compile: object, layers: object[] = [{ type: 'dense', units: 1 }]) =>
  runSpecSchema.parse({ datasetId: '6f1c1f8e-2b7a-4d47-9d7c-3f1f0f6f8b11', model: { layers }, compile, fit: { epochs: 1 } });
const regression = { inputShape: [3], targetShape: [1], numClasses: null, task: 'regression' as const };
const classes = { inputShape: [4], targetShape: [1], numClasses: 3, task: 'classification' as const };

async function thrown(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a throw');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('validateRunSpec', () => {
  it('returns the summary and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const summary = await validateRunSpec(spec({ optimizer: { type: 'sgd' }, loss: 'meanSquaredError', metrics: ['mae'] }), regression);
    expect(summary.totalParams).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses crossentropy, accuracy and precision on a regression dataset', async () => {
    const ce = await thrown(() => validateRunSpec(spec({ optimizer: { type: 'sgd' }, loss: 'categoricalCrossentropy' }), regression));
    expect(ce).toMatchObject({ code: 'VALIDATION_FAILED', statusCode: 400, details: { path: ['compile', 'loss'] } });
    const acc = await thrown(() => validateRunSpec(spec({ optimizer: { type: 'sgd' }, loss: 'meanSquaredError', metrics: ['mae', 'accuracy'] }), regression));
    expect(acc).toMatchObject({ code: 'VALIDATION_FAILED', details: { path: ['compile', 'metrics', 1] } });
    const precision = await thrown(() => validateRunSpec(spec({ optimizer: { type: 'sgd' }, loss: 'huber', metrics: ['precision'] }), regression));
    expect(precision.message).toMatch(/^precision is a classification metric/);
  });

  it('checks the output against the loss', async () => {
    const softmax = [{ type: 'dense', units: 3, activation: 'softmax' }];
    expect((await validateRunSpec(spec({ optimizer: { type: 'adam' }, loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] }, softmax), classes)).totalParams).toBe(15);
    const binary = { ...classes, numClasses: 2 };
    const sigmoid = [{ type: 'dense', units: 1, activation: 'sigmoid' }];
    expect((await validateRunSpec(spec({ optimizer: { type: 'adam' }, loss: 'binaryCrossentropy' }, sigmoid), binary)).totalParams).toBe(5);
    const sparse = await thrown(() => validateRunSpec(spec({ optimizer: { type: 'adam' }, loss: 'sparseCategoricalCrossentropy' }, sigmoid), binary));
    expect(sparse).toMatchObject({ code: 'INVALID_MODEL' });
    expect(sparse.message).toContain('must output 2 units');
  });
});
