import { z } from 'zod';

/**
 * How a raw instance (pixels, CSV feature values) becomes a model input. Recorded on the
 * dataset when it is parsed and applied identically to training data and to predict input,
 * so a model never sees differently scaled numbers at serving time.
 */
export const preprocessingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** x * factor, e.g. pixels 0..255 → [0, 1] with factor 1/255. */
  z.object({ kind: z.literal('scale'), factor: z.number() }),
  /** (x - mean[i]) / std[i] per feature column (z-score). */
  z.object({ kind: z.literal('standardize'), mean: z.array(z.number()), std: z.array(z.number()) }),
]);
export type Preprocessing = z.infer<typeof preprocessingSchema>;

/** Applies `pre` in place to a flat row-major batch whose rows have `featuresPerRow` values. */
export function applyPreprocessing(pre: Preprocessing, values: Float32Array, featuresPerRow: number): Float32Array {
  switch (pre.kind) {
    case 'none':
      return values;
    case 'scale':
      for (let i = 0; i < values.length; i++) values[i] *= pre.factor;
      return values;
    case 'standardize': {
      if (pre.mean.length !== featuresPerRow) throw new Error(`standardize expects ${pre.mean.length} features, rows have ${featuresPerRow}`);
      for (let i = 0; i < values.length; i++) {
        const j = i % featuresPerRow;
        values[i] = (values[i] - pre.mean[j]) / pre.std[j];
      }
      return values;
    }
  }
}
