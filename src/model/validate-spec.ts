import { AppError } from '../errors/app-error.ts';
import type { RunSpec } from '../runs/run-spec.schema.ts';
import { ACCURACY_METRICS } from './compile-spec.schema.ts';
import { buildModel } from './build-model.ts';
import type { DatasetShape } from './dataset-shape.ts';
import { summarizeModel, type ModelSummary } from './model-summary.ts';
import { checkLossForTask } from './target-encoding.ts';

/**
 * Proves a (schema-valid) run spec fits its dataset before it is queued: the loss and
 * metrics suit the task, and the model builds with these shapes. The model is built once
 * and disposed. Returns its summary; throws AppError VALIDATION_FAILED or INVALID_MODEL.
 */
export function validateRunSpec(spec: Pick<RunSpec, 'model' | 'compile' | 'fit'>, dataset: DatasetShape): ModelSummary {
  checkLossForTask(spec.compile.loss, dataset.task);
  const accuracyAt = (spec.compile.metrics ?? []).findIndex((m) => (ACCURACY_METRICS as readonly string[]).includes(m));
  if (dataset.task === 'regression' && accuracyAt >= 0) {
    throw new AppError('VALIDATION_FAILED', 'accuracy is a classification metric; use mse or mae for a regression dataset', {
      path: ['compile', 'metrics', accuracyAt],
    });
  }
  const model = buildModel(spec.model, { ...dataset, loss: spec.compile.loss, seed: spec.fit.seed });
  try {
    return summarizeModel(model);
  } finally {
    model.dispose();
  }
}
