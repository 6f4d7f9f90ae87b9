import { AppError } from '../errors/app-error.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import { MAX_PARAMS } from './build-model.ts';
import { buildRunModel } from './build-run-model.ts';
import type { DatasetShape } from './dataset-shape.ts';
import type { ModelSummary } from './model-summary.ts';
import { checkCompileForTask } from './check-compile-for-task.ts';
import { summarizeWithinBudget } from './summarize-within-budget.ts';
import { MAX_ACTIVATION_BYTES } from './activation-budget.ts';

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
  maxActivationBytes = MAX_ACTIVATION_BYTES,
): Promise<ModelSummary> {
  if (!spec.model) throw new AppError('VALIDATION_FAILED', 'model is required', { path: ['model'] });
  checkCompileForTask(spec.compile, dataset.task);
  const model = await buildRunModel(spec.model, { ...dataset, loss: spec.compile.loss, seed: spec.fit.seed, maxParams });
  return summarizeWithinBudget(model, maxParams, { batchSize: spec.fit.batchSize, maxBytes: maxActivationBytes });
}
