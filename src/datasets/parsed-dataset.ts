import type { Preprocessing } from './preprocessing.ts';

export type DatasetTask = 'classification' | 'regression' | 'multilabel';

/** What a format parser learned while writing `features.f32` / `targets.f32`; becomes the dataset row. */
export interface ParsedDataset {
  task: DatasetTask;
  numSamples: number;
  inputShape: number[];
  targetShape: number[];
  numClasses: number | null;
  classNames: string[];
  preprocessing: Preprocessing;
  /** Size of the files written (features + targets). */
  bytes: number;
}
