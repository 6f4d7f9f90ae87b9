import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/training/seeded-random.ts';
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

/** 16 images; class 1 when the right half is the brighter one. */
function images(n: number) {
  const rand = seededRandom(11);
  const features = new Float32Array(n * 36);
  const targets = Float32Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 0; i < n; i++) for (let p = 0; p < 36; p++) features[i * 36 + p] = rand() * 0.3 + ((p % 6 >= 3) === (targets[i] === 1) ? 0.7 : 0);
  return { features, targets };
}

/** Dropout is never seeded (create-layer.ts), so only a run without it repeats bit for bit. */
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

/**
 * Every option the run spec's schemas accept, read off the zod schemas (option-cases.ts), is
 * trained, checkpointed, resumed and used to predict on tiny generated images, on the backend
 * `useBackend` makes active, or refused up front with a 4xx that names it. An option added to
 * a schema without support fails here.
 */
export function everyOptionSuite(title: string, backend: string, useBackend: () => Promise<unknown>): void {
  let dataset: TrainDataset;
  beforeAll(async () => {
    await useBackend();
    const { features, targets } = images(16);
    dataset = {
      dir: await writeDataset(features, targets),
      numSamples: 16,
      inputShape: IMAGE_SHAPE,
      targetShape: [1],
      numClasses: 2,
      classNames: ['left', 'right'],
      task: 'classification',
      preprocessing: { kind: 'none' },
    };
  });
  afterAll(removeTempDirs);

  describe.each(groups)(title, (_group, cases) => {
    it.each(cases().map((c) => [c.name, c] as const))('%s trains, checkpoints, resumes exactly and predicts, or is refused naming it', async (_name, c) => {
      const outcome = await trainResumePredict(c, dataset, deterministic(c));
      expect(tf.getBackend()).toBe(backend);
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
}
