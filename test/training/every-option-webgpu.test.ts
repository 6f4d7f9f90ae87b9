import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/training/seeded-random.ts';
import { selectBackend } from '../../src/training/select-backend.ts';
import type { TrainDataset } from '../../src/training/training-job.ts';
import { removeTempDirs, writeDataset } from './dataset-fixture.ts';
import {
  activationCases,
  augmentationCases,
  callbackCases,
  IMAGE_SHAPE,
  initializerCases,
  layerTypeCases,
  lossCases,
  metricCases,
  optimizerCases,
  regularizerCases,
  type OptionCase,
} from './option-cases.ts';
import { trainResumePredict } from './option-run.ts';
import { useSwiftShader } from './swiftshader.ts';

/**
 * every-option.test.ts on the webgpu backend (over SwiftShader): every option the schemas
 * accept trains through the training core, checkpoints, resumes and predicts on webgpu, or is
 * refused naming it. 16 images of 6×6, so SwiftShader's speed is no bother.
 */
let dataset: TrainDataset;

beforeAll(async () => {
  useSwiftShader();
  await selectBackend('webgpu');
  const rand = seededRandom(11);
  const n = 16;
  const targets = Float32Array.from({ length: n }, (_, i) => i % 2);
  const features = Float32Array.from({ length: n * 36 }, (_, k) => rand() * 0.3 + ((k % 6 >= 3) === (targets[Math.floor(k / 36)] === 1) ? 0.7 : 0));
  dataset = {
    dir: await writeDataset(features, targets),
    numSamples: n,
    inputShape: IMAGE_SHAPE,
    targetShape: [1],
    numClasses: 2,
    classNames: ['left', 'right'],
    task: 'classification',
    preprocessing: { kind: 'none' },
  };
});

afterAll(removeTempDirs);

const deterministic = (c: OptionCase) => !JSON.stringify(c.spec.model).includes('"dropout"');

const groups: [string, () => OptionCase[]][] = [
  ['optimizers', optimizerCases],
  ['losses', lossCases],
  ['metrics', metricCases],
  ['activations', activationCases],
  ['initializers', initializerCases],
  ['regularizers', regularizerCases],
  ['layer types and their settings', layerTypeCases],
  ['callbacks', callbackCases],
  ['augmentation', augmentationCases],
];

describe.each(groups)('on webgpu, every %s', (_group, cases) => {
  it.each(cases().map((c) => [c.name, c] as const))('%s trains, checkpoints, resumes exactly and predicts, or is refused naming it', async (_name, c) => {
    const outcome = await trainResumePredict(c, dataset, deterministic(c));
    expect(tf.getBackend()).toBe('webgpu');
    if (outcome.refused) {
      expect(outcome.refused.message.toLowerCase()).toContain(c.names.toLowerCase());
      return;
    }
    for (const row of outcome.predictions) {
      expect(row).toHaveLength(2);
      expect(row.every(Number.isFinite)).toBe(true);
    }
  });
});
