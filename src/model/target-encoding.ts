import { AppError } from '../errors/app-error.ts';
import type { LossName } from '../spec/compile-spec.schema.ts';
import { sizeOf, type DatasetShape } from './dataset-shape.ts';
import { modelError } from './model-error.ts';

/**
 * How the stored targets are fed to the loss, decided by task, loss and the model's output.
 * Classification targets are stored as a class index:
 * - `index`: fed as is, shape [batch, 1] (sparseCategoricalCrossentropy, or one sigmoid unit for two classes);
 * - `oneHot`: expanded to [batch, numClasses] by the data loader (categoricalCrossentropy and the rest).
 * Regression / multi-label targets are `values`, reshaped to the model's output shape.
 */
export type TargetEncoding = { kind: 'index' } | { kind: 'oneHot'; numClasses: number } | { kind: 'values'; shape: number[] };

const CLASSIFICATION_ONLY: LossName[] = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'categoricalHinge', 'hinge', 'squaredHinge'];

/** Refuses a loss that cannot fit the dataset's task, with a 400 pointing at compile.loss. */
export function checkLossForTask(loss: LossName, task: DatasetShape['task']): void {
  const refused =
    (task === 'regression' && (CLASSIFICATION_ONLY.includes(loss) || loss === 'binaryCrossentropy')) ||
    (task === 'multilabel' && (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy'));
  if (refused) {
    const advice = task === 'regression' ? 'use meanSquaredError or meanAbsoluteError' : 'use binaryCrossentropy with sigmoid outputs';
    throw new AppError('VALIDATION_FAILED', `loss "${loss}" does not fit a ${task} dataset; ${advice}`, { path: ['compile', 'loss'], loss, task });
  }
}

/**
 * The target encoding for this dataset and loss, given the model's output shape (no batch
 * axis). Throws INVALID_MODEL when the last layer's output cannot match the targets.
 * `loss` undefined checks only what every loss needs.
 */
export function targetEncodingFor(dataset: DatasetShape, output: readonly number[], loss?: LossName): TargetEncoding {
  if (dataset.task === 'classification') {
    const k = dataset.numClasses ?? 0;
    if (k < 2) throw new AppError('INVALID_DATASET', `a classification dataset needs at least 2 classes, this one has ${k}`);
    const units = output.length === 1 ? output[0] : NaN;
    if (units === k) return loss === 'sparseCategoricalCrossentropy' ? { kind: 'index' } : { kind: 'oneHot', numClasses: k };
    if (units === 1 && k === 2 && loss !== 'sparseCategoricalCrossentropy') return { kind: 'index' };
    const binary = k === 2 && loss !== 'sparseCategoricalCrossentropy' ? ' (or 1 sigmoid unit for these 2 classes)' : '';
    const flat = output.length > 1 ? '; add a flatten layer before the last dense layer' : '';
    throw modelError(`the last layer outputs [${output.join(', ')}] but the dataset has ${k} classes: it must output ${k} units${binary}${flat}`, {
      outputShape: [...output],
      numClasses: k,
    });
  }
  const want = sizeOf(dataset.targetShape);
  if (sizeOf(output) !== want) {
    throw modelError(`the last layer outputs [${output.join(', ')}] but each target is [${dataset.targetShape.join(', ')}]: it must output ${want} values`, {
      outputShape: [...output],
      targetShape: dataset.targetShape,
    });
  }
  return { kind: 'values', shape: [...output] };
}
