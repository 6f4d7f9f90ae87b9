/**
 * What the model code needs to know about a dataset: the shapes on either side of the
 * model and what the targets mean. A subset of the dataset record, so callers pass theirs.
 */
export type DatasetTask = 'classification' | 'regression' | 'multilabel';

export interface DatasetShape {
  /** One sample's shape, without the batch axis, e.g. [28, 28, 1]. */
  inputShape: number[];
  /** One target's shape: [1] (a class index) for classification, the values' shape otherwise. */
  targetShape: number[];
  /** Number of classes for classification; null for regression. */
  numClasses: number | null;
  task: DatasetTask;
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
