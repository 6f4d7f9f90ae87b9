import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ENGINE_BACKEND } from '../../src/engine/engine-backend.ts';
import { buildRunModel } from '../../src/model/build-run-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import { modelSpecSchema } from '../../src/spec/model-spec.schema.ts';
import { seededRandom } from '../../src/training/seeded-random.ts';
import { selectBackend } from '../../src/training/select-backend.ts';
import { randomValues, useEngine } from '../engine/backend-parity.ts';
import { useSwiftShader } from './swiftshader.ts';

/**
 * Every preset trains on webgpu (over SwiftShader) as on the engine: two Adam steps
 * from the same seeded weights, the same dropout masks (one replayed Math.random sequence per
 * curve, as in test/engine/model-parity.test.ts), losses within 1e-4. Inputs are as small as each
 * preset allows and the wide ones are narrowed, since SwiftShader trains tens of samples/s.
 */
const IMAGES = { inputShape: [32, 32, 1], targetShape: [1], numClasses: 3, task: 'classification' as const };
const TABLE = { inputShape: [5], targetShape: [1], numClasses: null, task: 'regression' as const };
const CASES: [string, object, typeof IMAGES | typeof TABLE][] = [
  ['linear', { preset: 'linear' }, TABLE],
  ['mlp', { preset: 'mlp', hiddenUnits: [16, 8], dropout: 0.2, batchNormalization: true }, TABLE],
  ['lenet5', { preset: 'lenet5' }, IMAGES],
  ['alexnet', { preset: 'alexnet', widthMultiplier: 0.125 }, IMAGES],
  ['vgg16', { preset: 'vgg16', widthMultiplier: 0.0625 }, IMAGES],
  ['resnet', { preset: 'resnet', blocks: 1, filters: 4 }, IMAGES],
];
const BATCH = 4;

beforeAll(async () => {
  useSwiftShader();
  useEngine();
  await selectBackend('webgpu');
});

async function losses(backend: string, spec: object, dataset: typeof IMAGES | typeof TABLE): Promise<number[]> {
  await tf.setBackend(backend);
  const random = vi.spyOn(Math, 'random').mockImplementation(seededRandom(9));
  const regression = dataset.task === 'regression';
  const loss = regression ? 'meanSquaredError' : 'categoricalCrossentropy';
  const model = await buildRunModel(modelSpecSchema.parse(spec), { ...dataset, loss, seed: 5 });
  const optimizer = compileModel(model, { optimizer: { type: 'adam', learningRate: 0.001 }, loss });
  const size = dataset.inputShape.reduce((a, b) => a * b, 1);
  const xs = tf.tensor(randomValues(BATCH * size, 2), [BATCH, ...dataset.inputShape]);
  const ys = regression ? tf.tensor2d(randomValues(BATCH, 3), [BATCH, 1]) : tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
  try {
    const out: number[] = [];
    for (let i = 0; i < 2; i++) out.push((await model.trainOnBatch(xs, ys)) as number);
    return out;
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
    optimizer.dispose();
    random.mockRestore();
  }
}

describe('every preset on webgpu', () => {
  it.each(CASES)('%s trains as on the engine', async (_name, spec, dataset) => {
    const webgpu = await losses('webgpu', spec, dataset);
    const engine = await losses(ENGINE_BACKEND, spec, dataset);
    expect(webgpu.every(Number.isFinite)).toBe(true);
    webgpu.forEach((l, i) => expect(Math.abs(l - engine[i]), `step ${i}: ${l} vs ${engine[i]}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(engine[i]))));
  });
});
