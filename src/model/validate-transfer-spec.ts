import type { RunSpec } from '../spec/run-spec.schema.ts';
import { MAX_PARAMS } from './build-model.ts';
import { buildTransferModel } from './build-transfer-model.ts';
import type { DatasetShape } from './dataset-shape.ts';
import type { ModelSummary } from './model-summary.ts';
import { checkCompileForTask } from './check-compile-for-task.ts';
import { summarizeWithinBudget } from './summarize-within-budget.ts';
import { MAX_ACTIVATION_BYTES } from './activation-budget.ts';

/**
 * Proves a transfer spec fits its dataset before it is queued: the base loads, takes the
 * dataset's input, the head fits on the popped base and the targets, the layer references
 * resolve. The combined model is built once and disposed; its summary is phase 1's (frozen
 * layers counted as non-trainable). Runs in the compute child.
 */
export async function validateTransferRunSpec(
  spec: Pick<RunSpec, 'compile' | 'fit' | 'transfer'>,
  dataset: DatasetShape,
  baseModelDir: string,
  maxParams = MAX_PARAMS,
  maxActivationBytes = MAX_ACTIVATION_BYTES,
): Promise<ModelSummary> {
  checkCompileForTask(spec.compile, dataset.task);
  const { model } = await buildTransferModel(baseModelDir, spec.transfer!, { ...dataset, loss: spec.compile.loss, seed: spec.fit.seed });
  return summarizeWithinBudget(model, maxParams, { batchSize: spec.fit.batchSize, maxBytes: maxActivationBytes });
}
