import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.ts';
import { buildRunModel } from '../../src/model/build-run-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import type { DatasetShape } from '../../src/model/dataset-shape.ts';
import { unsupportedKerasClasses } from '../../src/model/keras-model.ts';
import { kerasParamFloor } from '../../src/model/keras-param-floor.ts';
import { modelSpecSchema } from '../../src/spec/model-spec.schema.ts';
import { summarizeModel } from '../../src/model/model-summary.ts';

/** What Keras 2.13's `model.to_json()` writes for a small Sequential CNN on 8×8×1 images, 2 classes. */
const KERAS_TEXT = readFileSync(new URL('./fixtures/keras-cnn-8x8.json', import.meta.url), 'utf8');
const images: DatasetShape = { inputShape: [8, 8, 1], targetShape: [1], numClasses: 2, task: 'classification' };
const keras = () => JSON.parse(KERAS_TEXT) as Record<string, unknown> & { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };

async function buildError(spec: object, dataset = images): Promise<AppError> {
  try {
    (await buildRunModel(modelSpecSchema.parse(spec), dataset)).dispose();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected the build to fail');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Keras model JSON', () => {
  it("builds Keras's to_json document with tfjs's deserializer, as an object or a string", async () => {
    for (const doc of [keras(), KERAS_TEXT]) {
      const model = await buildRunModel(modelSpecSchema.parse({ keras: doc }), images);
      const summary = summarizeModel(model);
      expect(summary.layers.map((l) => [l.type, l.outputShape, l.params])).toEqual([
        ['InputLayer', [null, 8, 8, 1], 0],
        ['Conv2D', [null, 6, 6, 4], 40],
        ['MaxPooling2D', [null, 3, 3, 4], 0],
        ['Flatten', [null, 36], 0],
        ['Dense', [null, 2], 74],
      ]);
      model.dispose();
    }
  });

  it('trains a couple of epochs', async () => {
    const model = await buildRunModel(modelSpecSchema.parse({ keras: keras() }), images);
    compileModel(model, { optimizer: { type: 'adam', learningRate: 0.05 }, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    // Class 1 images are bright on the right half.
    const xs = tf.tidy(() => tf.concat([tf.zeros([8, 8, 4, 1]), tf.ones([8, 8, 4, 1]).mul(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1]).reshape([8, 1, 1, 1]))], 2));
    const ys = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2);
    const history = await model.fit(xs, ys, { epochs: 8, batchSize: 8, verbose: 0 });
    const loss = history.history.loss as number[];
    expect(loss.at(-1)!).toBeLessThan(loss[0]);
    expect(history.history.acc).toBeDefined();
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('answers INVALID_MODEL when the input shape does not fit the dataset', async () => {
    const err = await buildError({ keras: keras() }, { ...images, inputShape: [28, 28, 1] });
    expect(err.code).toBe('INVALID_MODEL');
    expect(err.message).toBe("the Keras model takes inputs of shape [8, 8, 1] but the dataset's samples are [28, 28, 1]");
    const classes = await buildError({ keras: keras() }, { ...images, numClasses: 5 });
    expect(classes.message).toContain('5 classes');
  });

  it('refuses a layer sized beyond any machine by arithmetic on its config, before tfjs allocates a weight', async () => {
    const doc = keras();
    const dense = doc.config.layers.find((l) => l.class_name === 'Dense')!;
    dense.config.units = 1e9;
    const tensorsBefore = tf.memory().numTensors;
    const err = await buildError({ keras: doc });
    expect(err.code).toBe('MODEL_TOO_LARGE');
    expect(err.details).toMatchObject({ atLeastParams: expect.any(Number), maxParams: 150_000_000 });
    expect((err.details as { atLeastParams: number }).atLeastParams).toBeGreaterThanOrEqual(1e9);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('reads the floor of Embedding, recurrent and conv layers from their configs, nested models included', () => {
    const layer = (class_name: string, config: Record<string, unknown>) => ({ class_name, config });
    const inner = layer('Sequential', { layers: [layer('Embedding', { input_dim: 1000, output_dim: 64 }), layer('LSTM', { units: 32 })] });
    const doc = layer('Functional', { layers: [inner, layer('Conv2D', { filters: 8, kernel_size: [3, 3] }), layer('Dense', { units: 10 }), layer('Dropout', { rate: 0.5 })] });
    expect(kerasParamFloor(doc)).toBe(1000 * 64 + 4 * 32 * 32 + 8 * 9 + 10);
    expect(kerasParamFloor(layer('Dense', { units: 'many' }))).toBe(0);
  });

  it('lists every class tfjs cannot build', async () => {
    const doc = keras();
    doc.config.layers.splice(3, 0, { class_name: 'RandomFlip', config: { mode: 'horizontal' } }, { class_name: 'MultiHeadAttention', config: {} });
    (doc.config.layers[1].config as Record<string, unknown>).kernel_constraint = { class_name: 'FancyConstraint', config: {} };
    expect(unsupportedKerasClasses(doc)).toEqual(['FancyConstraint', 'MultiHeadAttention', 'RandomFlip']);
    const err = await buildError({ keras: doc });
    expect(err.message).toBe('tfjs cannot build these Keras classes: FancyConstraint, MultiHeadAttention, RandomFlip');
    expect(err.details).toMatchObject({ unsupported: ['FancyConstraint', 'MultiHeadAttention', 'RandomFlip'] });
  });

  it('reports what tfjs rejects in a known class, and refuses non-documents in the schema', async () => {
    const doc = keras();
    doc.config.layers[4].config.activation = 'not_an_activation';
    const err = await buildError({ keras: doc });
    expect(err.message).toMatch(/^tfjs could not build the Keras model: Unknown activation: notAnActivation/);
    expect(modelSpecSchema.safeParse({ keras: '{not json' }).error?.issues[0].path).toEqual(['keras']);
    expect(modelSpecSchema.safeParse({ keras: { layers: [] } }).success).toBe(false);
    expect(modelSpecSchema.safeParse({ keras: keras(), layers: [] }).success).toBe(false);
  });

  it('leaves the spec untouched and no tensors behind', async () => {
    const spec = modelSpecSchema.parse({ keras: keras() });
    const before = tf.memory().numTensors;
    (await buildRunModel(spec, images)).dispose();
    await buildError({ keras: keras() }, { ...images, inputShape: [4, 4, 1] });
    expect(tf.memory().numTensors).toBe(before);
    expect(JSON.stringify(spec)).toBe(JSON.stringify({ keras: keras() }));
  });
});
