import { AppError } from '../errors/app-error.ts';
import type { CompileSpec } from '../spec/compile-spec.schema.ts';
import { ACCURACY_METRICS } from '../spec/compile-spec.schema.ts';
import type { DatasetShape } from './dataset-shape.ts';
import { checkLossForTask } from './target-encoding.ts';

const CLASSIFICATION_METRICS: readonly string[] = [...ACCURACY_METRICS, 'precision', 'recall'];

/** The loss and metrics must suit the dataset's task (no crossentropy or accuracy on a regression). */
export function checkCompileForTask(compile: Pick<CompileSpec, 'loss' | 'metrics'>, task: DatasetShape['task']): void {
  checkLossForTask(compile.loss, task);
  const at = (compile.metrics ?? []).findIndex((m) => CLASSIFICATION_METRICS.includes(m));
  if (task === 'regression' && at >= 0) {
    throw new AppError('VALIDATION_FAILED', `${compile.metrics![at]} is a classification metric; use mse or mae for a regression dataset`, {
      path: ['compile', 'metrics', at],
    });
  }
}
