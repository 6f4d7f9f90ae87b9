import { checkAugmentationFits } from '../spec/augmentation-spec.schema.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import type { TargetEncoding } from '../model/target-encoding.ts';
import { withAugmentation } from './augment-batch.ts';
import { loadDataset, type Batch, type BatchSource } from './data-loader.ts';
import { RunFailure } from './run-failure.ts';
import type { TrainDataset, TrainJob } from './training-job.ts';

/** The batches a run trains, validates and tests on. */
export interface RunData {
  /** Training batches (augmented when the spec asks) with the validation batches of each epoch. */
  trainSource: BatchSource;
  /** Training batches in each epoch (the last one may be short): the `batches` of progress messages. */
  batchesPerEpoch: number;
  /** The test split or test dataset, evaluated once at the end; null without test data. */
  testBatches: (() => Iterable<Batch>) | null;
}

/**
 * Loads the training dataset (split and shuffled by the run's seed) and any separate
 * validation or test dataset (used whole, in stored order, re-expressed in the training
 * data's preprocessing).
 */
export async function loadRunData(job: TrainJob, spec: RunSpec, encoding: TargetEncoding): Promise<RunData> {
  const { dataset } = job;
  const loaderOptions = { inputShape: dataset.inputShape, targetShape: dataset.targetShape, encoding, numClasses: dataset.numClasses, batchSize: spec.fit.batchSize };
  const loader = await loadDataset(dataset.dir, {
    ...loaderOptions,
    numSamples: dataset.numSamples,
    validationSplit: spec.fit.validationSplit,
    testSplit: spec.fit.testSplit,
    classWeight: spec.fit.classWeight,
    shuffle: spec.fit.shuffle,
    seed: spec.fit.seed,
  });
  const loadExtra = (extra: TrainDataset, role: string) => {
    checkSameShape(extra, dataset, role);
    return loadDataset(extra.dir, { ...loaderOptions, numSamples: extra.numSamples, validationSplit: 0, shuffle: false }, { from: extra.preprocessing, to: dataset.preprocessing });
  };
  const validationLoader = job.validationDataset ? await loadExtra(job.validationDataset, 'validation') : null;
  const testLoader = job.testDataset ? await loadExtra(job.testDataset, 'test') : null;
  const source: BatchSource = validationLoader ? { trainBatches: (epoch) => loader.trainBatches(epoch), validationBatches: () => validationLoader.allBatches() } : loader;
  // Training batches only: validation (and test) data are never augmented.
  if (spec.augmentation) checkAugmentationFits(dataset.inputShape);
  return {
    trainSource: spec.augmentation ? withAugmentation(source, spec.augmentation, spec.augmentation.seed ?? spec.fit.seed) : source,
    batchesPerEpoch: Math.ceil(loader.train.length / spec.fit.batchSize),
    testBatches: testLoader ? () => testLoader.allBatches() : spec.fit.testSplit > 0 ? () => loader.testBatches() : null,
  };
}

/** The worker checked this when it queued the run; a dataset changed since would train on garbage. */
function checkSameShape(extra: TrainDataset, dataset: TrainDataset, role: string) {
  const same =
    extra.task === dataset.task &&
    extra.inputShape.join() === dataset.inputShape.join() &&
    extra.targetShape.join() === dataset.targetShape.join() &&
    extra.numClasses === dataset.numClasses;
  if (!same) throw new RunFailure('INVALID_DATASET', `the ${role} dataset does not have the training dataset's input shape, target shape and classes`);
}
