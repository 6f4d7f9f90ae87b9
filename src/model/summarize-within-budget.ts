import type * as tf from '@tensorflow/tfjs';
import { modelTooLarge } from './model-error.ts';
import { summarizeModel, type ModelSummary } from './model-summary.ts';

/**
 * The summary of a model built only to validate a spec, which it then disposes. Checks the
 * exact parameter count: the per-layer estimate while building is only the early guard.
 */
export function summarizeWithinBudget(model: tf.LayersModel, maxParams: number): ModelSummary {
  try {
    const summary = summarizeModel(model);
    if (summary.totalParams > maxParams) throw modelTooLarge(maxParams, { totalParams: summary.totalParams });
    return summary;
  } finally {
    model.dispose();
  }
}
