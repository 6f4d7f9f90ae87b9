import * as tf from '@tensorflow/tfjs';
import type { AugmentationSpec } from '../spec/augmentation-spec.schema.ts';
import type { Batch, BatchSource } from './data-loader.ts';
import { seededRandom } from './seeded-random.ts';

type Matrix = [number, number, number, number, number, number, number, number, number];

const mul = (a: Matrix, b: Matrix): Matrix => {
  const out = new Array<number>(9) as Matrix;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
  return out;
};
const affine = (a: number, b: number, c: number, d: number, e: number, f: number): Matrix => [a, b, c, d, e, f, 0, 0, 1];
const uniform = (random: () => number, lo: number, hi: number) => lo + (hi - lo) * random();
const rad = (deg: number) => (deg * Math.PI) / 180;

/**
 * One sample's transform as tf.image.transform wants it: the map from an OUTPUT pixel
 * (x, y) to the INPUT pixel it samples, [a0, a1, a2, b0, b1, b2, c0, c1]. Built as the
 * inverse of the forward transform about the image centre — flip, then stretch and zoom,
 * shear, rotation, shift — so composing them is one matrix and one resampling per sample.
 */
export function sampleTransform(spec: AugmentationSpec, height: number, width: number, random: () => number): number[] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const [shiftH, shiftW] = Array.isArray(spec.shift) ? spec.shift : [spec.shift, spec.shift];
  const tx = uniform(random, -shiftW, shiftW) * width;
  const ty = uniform(random, -shiftH, shiftH) * height;
  const theta = rad(uniform(random, -spec.rotation, spec.rotation));
  const shear = rad(uniform(random, -spec.shear, spec.shear));
  const zoom = uniform(random, spec.zoom[0], spec.zoom[1]);
  const stretch = uniform(random, spec.stretch[0], spec.stretch[1]);
  const stretchX = random() < 0.5;
  const flipX = spec.horizontalFlip && random() < 0.5 ? -1 : 1;
  const flipY = spec.verticalFlip && random() < 0.5 ? -1 : 1;
  const sx = zoom * (stretchX ? stretch : 1);
  const sy = zoom * (stretchX ? 1 : stretch);

  // Output → input, right to left: recentre, undo shift, rotation, shear, scale, flip, move back.
  const m = [
    affine(1, 0, cx, 0, 1, cy),
    affine(flipX, 0, 0, 0, flipY, 0),
    affine(1 / sx, 0, 0, 0, 1 / sy, 0),
    affine(1, -Math.tan(shear), 0, 0, 1, 0),
    affine(Math.cos(theta), Math.sin(theta), 0, -Math.sin(theta), Math.cos(theta), 0),
    affine(1, 0, -tx, 0, 1, -ty),
    affine(1, 0, -cx, 0, 1, -cy),
  ].reduce(mul);
  return [m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]];
}

/**
 * The batch's images, each under its own random transform (bilinear resampling, edges
 * filled by `spec.fillMode`). Returns a new tensor; `xs` is left to the caller.
 *
 * One transform call per sample: tfjs 4.22's cpu Transform kernel returns after the first
 * image of a batch (its `return` sits inside the batch loop), leaving the others blank.
 */
export function augmentImages(xs: tf.Tensor, spec: AugmentationSpec, random: () => number): tf.Tensor4D {
  if (xs.rank !== 4) throw new Error(`augmentation needs image batches [n, height, width, channels], got shape [${xs.shape.join(', ')}]`);
  const [n, height, width] = xs.shape;
  const rows = Array.from({ length: n }, () => sampleTransform(spec, height, width, random));
  return tf.tidy(() => {
    const images = tf.split(xs as tf.Tensor4D, n, 0);
    const out = images.map((image, i) => tf.image.transform(image as tf.Tensor4D, tf.tensor2d(rows[i], [1, 8]), 'bilinear', spec.fillMode, 0));
    return tf.concat(out, 0) as tf.Tensor4D;
  });
}

/**
 * Wraps a batch source so its training batches are augmented and its validation batches
 * are not. Draws are seeded per (seed, epoch, batch) when a seed is given, so a resumed run
 * sees the same augmentations it would have; every epoch draws new ones.
 */
export function withAugmentation(source: BatchSource, spec: AugmentationSpec, seed: number | undefined): BatchSource {
  return {
    *trainBatches(epoch: number): Generator<Batch> {
      let index = 0;
      for (const batch of source.trainBatches(epoch)) {
        const random = seed === undefined ? Math.random : seededRandom((seed * 7919 + epoch * 104729 + index++) >>> 0);
        let xs: tf.Tensor;
        try {
          xs = augmentImages(batch.xs, spec, random);
        } catch (err) {
          tf.dispose([batch.xs, batch.ys, ...(batch.sampleWeights ? [batch.sampleWeights] : [])]);
          throw err;
        }
        batch.xs.dispose();
        yield { ...batch, xs };
      }
    },
    validationBatches: () => source.validationBatches(),
  };
}
