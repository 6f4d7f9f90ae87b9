import { AppError } from '../errors/app-error.ts';
import type { RunSpec } from '../runs/run-spec.schema.ts';
import { ACCURACY_METRICS } from './compile-spec.schema.ts';
import { MAX_PARAMS } from './build-model.ts';
import { buildRunModel } from './build-run-model.ts';
import { modelTooLarge } from './model-error.ts';
import type { DatasetShape } from './dataset-shape.ts';
import { summarizeModel, type ModelSummary } from './model-summary.ts';
import { checkLossForTask } from './target-encoding.ts';

/**
 * Proves a (schema-valid) run spec fits its dataset before it is queued: the loss and
 * metrics suit the task, and the model builds with these shapes. The model is built once
 * and disposed. Returns its summary; throws AppError VALIDATION_FAILED, INVALID_MODEL or
 * MODEL_TOO_LARGE (over `maxParams`). Async because a Keras document is read by tfjs's
 * (async) deserializer.
 */
export async function validateRunSpec(
  spec: Pick<RunSpec, 'model' | 'compile' | 'fit'>,
  dataset: DatasetShape,
  maxParams = MAX_PARAMS,
): Promise<ModelSummary> {
  if (!spec.model) throw new AppError('VALIDATION_FAILED', 'model is required', { path: ['model'] });
  checkLossForTask(spec.compile.loss, dataset.task);
  const classificationOnly: readonly string[] = [...ACCURACY_METRICS, 'precision', 'recall'];
  const accuracyAt = (spec.compile.metrics ?? []).findIndex((m) => classificationOnly.includes(m));
  if (dataset.task === 'regression' && accuracyAt >= 0) {
    throw new AppError('VALIDATION_FAILED', `${spec.compile.metrics![accuracyAt]} is a classification metric; use mse or mae for a regression dataset`, {
      path: ['compile', 'metrics', accuracyAt],
    });
  }
  const model = await buildRunModel(spec.model, { ...dataset, loss: spec.compile.loss, seed: spec.fit.seed, maxParams });
  try {
    const summary = summarizeModel(model);
    // Again on the built model: the per-layer estimate in buildModel is the early guard, this is the exact count.
    if (summary.totalParams > maxParams) throw modelTooLarge(maxParams, { totalParams: summary.totalParams });
    return summary;
  } finally {
    model.dispose();
  }
}
