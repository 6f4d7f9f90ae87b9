import type { Dataset } from '../generated/prisma/client.ts';
import { preprocessingSchema, type Preprocessing } from './preprocessing.ts';

/** What training, validation and predict need to know about a dataset, without its row. */
export interface DatasetInfo {
  numSamples: number;
  inputShape: number[];
  targetShape: number[];
  numClasses: number | null;
  classNames: string[];
  task: 'classification' | 'regression' | 'multilabel';
  preprocessing: Preprocessing;
}

export function datasetInfoOf(dataset: Dataset): DatasetInfo {
  return {
    numSamples: dataset.numSamples,
    inputShape: dataset.inputShape,
    targetShape: dataset.targetShape,
    numClasses: dataset.numClasses,
    classNames: dataset.classNames,
    task: dataset.task as DatasetInfo['task'],
    preprocessing: preprocessingSchema.parse(dataset.preprocessing),
  };
}
