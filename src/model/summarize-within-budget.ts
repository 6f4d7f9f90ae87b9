import type * as tf from '@tensorflow/tfjs';
import { checkActivationBudget, type ActivationBudget } from './activation-budget.ts';
import { modelTooLarge } from './model-error.ts';
import { summarizeModel, type ModelSummary } from './model-summary.ts';

/**
 * The summary of a model built only to validate a spec, which it then disposes. Checks the
 * exact parameter count (the per-layer estimate while building is only the early guard) and
 * the memory one training batch's layer outputs take.
 */
export function summarizeWithinBudget(model: tf.LayersModel, maxParams: number, activations: ActivationBudget): ModelSummary {
  try {
    const summary = summarizeModel(model);
    if (summary.totalParams > maxParams) throw modelTooLarge(maxParams, { totalParams: summary.totalParams });
    checkActivationBudget(model, activations);
    return summary;
  } finally {
    model.dispose();
  }
}
