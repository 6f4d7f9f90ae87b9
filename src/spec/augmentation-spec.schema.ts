import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';

const range = (min: number, max: number) =>
  z
    .tuple([z.number().min(min).max(max), z.number().min(min).max(max)])
    .refine(([lo, hi]) => lo <= hi, 'give [min, max] with min <= max');
const fraction = z.number().min(0).max(1);

/**
 * `augmentation` of a run spec: Keras's ImageDataGenerator transforms, drawn at random per
 * sample, per batch and per epoch, for training batches only (validation and test data are
 * never augmented). Each sample gets one affine transform composed of all of them.
 */
export const augmentationSpecSchema = z
  .object({
    /** Degrees: each sample is rotated by an angle drawn from [-rotation, rotation]. */
    rotation: z.number().min(0).max(180).default(0),
    /** Fraction of the height and width (or `[height, width]`): each sample moves by up to that much along each axis. */
    shift: z.union([fraction, z.tuple([fraction, fraction])]).default(0),
    /** Scale factor range [min, max]: above 1 zooms in (e.g. [1.0, 1.6]), below 1 zooms out. */
    zoom: range(0.2, 5).default([1, 1]),
    /** Mirror left–right with probability 1/2. */
    horizontalFlip: z.boolean().default(false),
    /** Mirror top–bottom with probability 1/2. */
    verticalFlip: z.boolean().default(false),
    /** Degrees: shear angle drawn from [-shear, shear]; at most 20. */
    shear: z.number().min(0).max(20).default(0),
    /** Stretch range [min, max] within 1.0–1.3: one axis (drawn at random) is scaled by a factor from the range. */
    stretch: range(1, 1.3).default([1, 1]),
    /** How pixels that come from outside the image are filled (Keras's default: `nearest`). */
    fillMode: z.enum(['nearest', 'constant', 'reflect', 'wrap']).default('nearest'),
    /** Makes the draws reproducible; default: the run's `fit.seed` (unseeded when neither is set). */
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  })
  .strict();
export type AugmentationSpec = z.infer<typeof augmentationSpecSchema>;

/** Augmentation transforms images: the dataset's input must be height × width × channels. */
export function checkAugmentationFits(inputShape: readonly number[]): void {
  if (inputShape.length !== 3) {
    throw new AppError('VALIDATION_FAILED', `augmentation needs an image dataset (input shape [height, width, channels]); this dataset's input shape is [${inputShape.join(', ')}]`, {
      path: ['augmentation'],
      inputShape,
    });
  }
}
