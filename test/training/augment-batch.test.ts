import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentationSpecSchema, checkAugmentationFits, type AugmentationSpec } from '../../src/spec/augmentation-spec.schema.ts';
import { augmentImages, withAugmentation } from '../../src/training/augment-batch.ts';
import { DataLoader, disposeBatch, type Batch } from '../../src/training/data-loader.ts';
import { seededRandom } from '../../src/training/seeded-random.ts';
import { squaresImages } from './dataset-fixture.ts';

const spec = (input: Record<string, unknown>): AugmentationSpec => augmentationSpecSchema.parse(input);

/** 12 squares images; the loader shuffles with a seed, so two loaders yield the same order. */
function loader(validationSplit = 0) {
  const { features, targets } = squaresImages(12);
  return new DataLoader(
    { features, targets },
    { numSamples: 12, inputShape: [28, 28, 1], targetShape: [1], encoding: { kind: 'oneHot', numClasses: 2 }, numClasses: 2, batchSize: 4, validationSplit, shuffle: true, seed: 3 },
  );
}

async function collect(batches: Iterable<Batch>): Promise<{ xs: Float32Array[]; ys: Float32Array[] }> {
  const xs: Float32Array[] = [];
  const ys: Float32Array[] = [];
  for (const batch of batches) {
    xs.push((await batch.xs.data()) as Float32Array);
    ys.push((await batch.ys.data()) as Float32Array);
    disposeBatch(batch);
  }
  return { xs, ys };
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('augmentation', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const strong = spec({ rotation: 30, shift: 0.15, zoom: [1, 1.6], shear: 15, stretch: [1, 1.3], horizontalFlip: true, verticalFlip: true });

  it('changes every training batch, keeps its labels, and draws anew each epoch', async () => {
    const plain = await collect(loader().trainBatches(1));
    const augmented = await collect(withAugmentation(loader(), strong, 11).trainBatches(1));
    const nextEpoch = await collect(withAugmentation(loader(), strong, 11).trainBatches(2));
    const plainNext = await collect(loader().trainBatches(2));
    expect(augmented.xs).toHaveLength(3);
    augmented.xs.forEach((xs, i) => {
      expect(xs).toHaveLength(plain.xs[i].length);
      expect(maxDiff(xs, plain.xs[i])).toBeGreaterThan(0.1);
      expect(Array.from(augmented.ys[i])).toEqual(Array.from(plain.ys[i]));
    });
    // Epoch 2 shuffles differently too, so compare it with its own plain batches, then with epoch 1's augmentations.
    nextEpoch.xs.forEach((xs, i) => {
      expect(Array.from(nextEpoch.ys[i])).toEqual(Array.from(plainNext.ys[i]));
      expect(maxDiff(xs, plainNext.xs[i])).toBeGreaterThan(0.1);
    });
    const sameEpochAgain = await collect(withAugmentation(loader(), strong, 11).trainBatches(1));
    sameEpochAgain.xs.forEach((xs, i) => expect(maxDiff(xs, augmented.xs[i])).toBe(0));
    const unseededOnce = await collect(withAugmentation(loader(), strong, undefined).trainBatches(1));
    const unseededTwice = await collect(withAugmentation(loader(), strong, undefined).trainBatches(1));
    expect(maxDiff(unseededOnce.xs[0], unseededTwice.xs[0])).toBeGreaterThan(0);
  });

  it('draws a different transform for each sample of a batch', async () => {
    const one = tf.tile(tf.tensor4d(squaresImages(1).features, [1, 28, 28, 1]), [4, 1, 1, 1]);
    // Seeded: Math.random could, now and then, draw two transforms too alike to tell apart.
    const out = augmentImages(one, spec({ rotation: 40, shift: 0.2 }), seededRandom(7));
    const samples = tf.unstack(out);
    const values = await Promise.all(samples.map((t) => t.data() as Promise<Float32Array>));
    expect(maxDiff(values[0], values[1])).toBeGreaterThan(0.1);
    expect(maxDiff(values[2], values[3])).toBeGreaterThan(0.1);
    tf.dispose([one, out, ...samples]);
  });

  it('never touches validation batches', async () => {
    const plain = await collect(loader(0.5).validationBatches());
    const wrapped = await collect(withAugmentation(loader(0.5), strong, 1).validationBatches());
    expect(wrapped.xs.length).toBeGreaterThan(0);
    wrapped.xs.forEach((xs, i) => expect(maxDiff(xs, plain.xs[i])).toBe(0));
  });

  it('flips are exact mirror images', async () => {
    const xs = tf.tensor4d(Float32Array.from({ length: 2 * 5 * 7 * 3 }, (_, i) => (i * 37) % 101), [2, 5, 7, 3]);
    // 0.25 draws zero for every range and "yes" for every coin.
    const h = augmentImages(xs, spec({ horizontalFlip: true }), () => 0.25);
    const v = augmentImages(xs, spec({ verticalFlip: true }), () => 0.25);
    const hv = augmentImages(xs, spec({ horizontalFlip: true, verticalFlip: true }), () => 0.25);
    const [mirrorW, mirrorH, mirrorBoth] = [tf.reverse(xs, 2), tf.reverse(xs, 1), tf.reverse(xs, [1, 2])];
    expect(Array.from(await h.data())).toEqual(Array.from(await mirrorW.data()));
    expect(Array.from(await v.data())).toEqual(Array.from(await mirrorH.data()));
    expect(Array.from(await hv.data())).toEqual(Array.from(await mirrorBoth.data()));
    // 0.75 says "no" to every coin: no flip.
    const kept = augmentImages(xs, spec({ horizontalFlip: true }), () => 0.75);
    expect(Array.from(await kept.data())).toEqual(Array.from(await xs.data()));
    tf.dispose([xs, h, v, hv, mirrorW, mirrorH, mirrorBoth, kept]);
  });

  it('is the identity when every transform is off', async () => {
    const xs = tf.tensor4d(Float32Array.from({ length: 3 * 6 * 4 * 1 }, () => Math.random()), [3, 6, 4, 1]);
    const out = augmentImages(xs, spec({}), Math.random);
    expect(Array.from(await out.data())).toEqual(Array.from(await xs.data()));
    tf.dispose([xs, out]);
  });

  it('frees every tensor it makes (the tensor count does not grow over epochs)', async () => {
    const source = withAugmentation(loader(), strong, 5);
    await collect(source.trainBatches(1)); // warm-up: kernels may cache on first use
    const before = tf.memory().numTensors;
    for (let epoch = 2; epoch <= 4; epoch++) await collect(source.trainBatches(epoch));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses non-image batches and datasets', () => {
    const flat = tf.zeros([2, 4]);
    expect(() => augmentImages(flat, spec({ rotation: 10 }), Math.random)).toThrow(/image batches/);
    flat.dispose();
    expect(() => checkAugmentationFits([4])).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => checkAugmentationFits([28, 28, 1])).not.toThrow();
  });

  it('checks its ranges', () => {
    for (const bad of [{ shear: 25 }, { stretch: [1, 1.5] }, { zoom: [1.6, 1] }, { rotation: -5 }, { shift: [0.1, 2] }, { flip: true }]) {
      expect(augmentationSpecSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(spec({ shift: [0.1, 0.2], zoom: [1, 1.6], stretch: [1, 1.3], shear: 20 })).toMatchObject({ shift: [0.1, 0.2], fillMode: 'nearest' });
  });
});
