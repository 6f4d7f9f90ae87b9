import { applyPreprocessing, type Preprocessing } from '../datasets/preprocessing.ts';

/**
 * Rewrites features stored under preprocessing `from` as if `to` had been applied to the
 * same raw values: undo `from`, apply `to`, in place. Identical preprocessings (two IDX
 * uploads scaled by 1/255) leave the values untouched.
 */
export function rebasePreprocessing(values: Float32Array, from: Preprocessing, to: Preprocessing, featuresPerRow: number): Float32Array {
  if (JSON.stringify(from) === JSON.stringify(to)) return values;
  undoPreprocessing(from, values, featuresPerRow);
  return applyPreprocessing(to, values, featuresPerRow);
}

function undoPreprocessing(pre: Preprocessing, values: Float32Array, featuresPerRow: number): void {
  switch (pre.kind) {
    case 'none':
      return;
    case 'scale':
      for (let i = 0; i < values.length; i++) values[i] /= pre.factor;
      return;
    case 'standardize':
      if (pre.mean.length !== featuresPerRow) throw new Error(`standardize expects ${pre.mean.length} features, rows have ${featuresPerRow}`);
      for (let i = 0; i < values.length; i++) {
        const j = i % featuresPerRow;
        values[i] = values[i] * pre.std[j] + pre.mean[j];
      }
  }
}
