import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ENGINE_BACKEND } from '../../src/engine/engine-backend.ts';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import type { ModelSpec } from '../../src/spec/layer-spec.schema.ts';
import { randomValues, useEngine } from './backend-parity.ts';
import { seededRandom } from '../../src/training/seeded-random.ts';

/**
 * The reference CNN's layer stack (conv, pool, conv, pool, dense, dropout, softmax) on 12×12
 * images, small enough for the cpu backend to train a few batches in a test, plus a batch
 * normalisation and a same-padded strided conv so those paths are covered too.
 */
const SPEC: ModelSpec = {
  layers: [
    { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'conv2d', filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
    { type: 'batchNormalization' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 32, activation: 'relu' },
    { type: 'dropout', rate: 0.5 },
    { type: 'dense', units: 4, activation: 'softmax' },
  ],
};
const BATCH = 16;
const STEPS = 6;

async function lossCurve(backend: string): Promise<{ losses: number[]; tensorsBefore: number; tensorsAfter: number; weights: Float32Array }> {
  await tf.setBackend(backend);
  // Dropout is not seeded (a seeded tfjs Dropout repeats its mask); it draws each mask from a
  // generator seeded by Math.random. Replaying one Math.random sequence per curve gives both
  // backends the same masks, step by step, so their losses must match.
  const random = vi.spyOn(Math, 'random').mockImplementation(seededRandom(9));
  const model = buildModel(SPEC, { inputShape: [12, 12, 1], targetShape: [1], numClasses: 4, task: 'classification', loss: 'categoricalCrossentropy', seed: 3 });
  const optimizer = compileModel(model, { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'categoricalCrossentropy' });
  const xs = tf.tensor4d(randomValues(BATCH * 144, 1), [BATCH, 12, 12, 1]);
  const ys = tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 4), 'int32'), 4);
  const losses: number[] = [];
  await model.trainOnBatch(xs, ys); // creates the optimizer's state
  const tensorsBefore = tf.memory().numTensors;
  for (let i = 0; i < STEPS; i++) losses.push((await model.trainOnBatch(xs, ys)) as number);
  const tensorsAfter = tf.memory().numTensors;
  const weights = Float32Array.from(model.getWeights()[0].dataSync());
  tf.dispose([xs, ys]);
  model.dispose();
  optimizer.dispose();
  random.mockRestore();
  return { losses, tensorsBefore, tensorsAfter, weights };
}

beforeAll(useEngine);

describe('a whole model on the engine', () => {
  it('follows the cpu backend loss curve from the same initial weights, without leaking tensors', async () => {
    const engine = await lossCurve(ENGINE_BACKEND);
    const cpu = await lossCurve('cpu');
    expect(engine.losses).toHaveLength(STEPS);
    engine.losses.forEach((loss, i) => expect(Math.abs(loss - cpu.losses[i]), `step ${i}: ${loss} vs ${cpu.losses[i]}`).toBeLessThan(1e-4 * Math.max(1, cpu.losses[i])));
    // It learns (the same batch again and again), and the weights end where the cpu's do.
    expect(engine.losses[STEPS - 1]).toBeLessThan(engine.losses[0]);
    let worst = 0;
    engine.weights.forEach((w, i) => (worst = Math.max(worst, Math.abs(w - cpu.weights[i]))));
    expect(worst).toBeLessThan(1e-4);
    expect(engine.tensorsAfter).toBe(engine.tensorsBefore);
  });
});
