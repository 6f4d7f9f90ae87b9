import type { Preprocessing } from '../datasets/preprocessing.ts';
import type { DatasetTask } from '../model/dataset-shape.ts';
import type { ModelSummary } from '../model/model-summary.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import type { ConfusionMatrix } from './evaluate-model.ts';

/**
 * What the training core takes (a job: spec, data, where to write) and what it reports while
 * it trains (messages, in order: `started`, then per epoch `epoch` and, unless the run's
 * modelCheckpoint policy skips the epoch, `checkpoint`; during a long epoch a mid-epoch
 * `checkpoint` (with `batch`) every `checkpointEveryMs` and `progress` at most every
 * `progressEveryMs`; any number of `log`; finally exactly
 * one `done` or `failed`). It knows nothing of queues or processes: the worker's trainer
 * child forwards these messages to its parent (workers/trainer/trainer-protocol.ts).
 */
export interface TrainDataset {
  /** Holds features.f32 and targets.f32 (see src/datasets/dataset-files.ts). */
  dir: string;
  numSamples: number;
  inputShape: number[];
  targetShape: number[];
  numClasses: number | null;
  classNames: string[];
  task: DatasetTask;
  preprocessing: Preprocessing;
}

export interface TrainJob {
  runId: string;
  spec: RunSpec;
  dataset: TrainDataset;
  /** A separate dataset validated on each epoch (fit.validationDatasetId), used whole. */
  validationDataset?: TrainDataset;
  /** A separate dataset evaluated once at the end (fit.testDatasetId), used whole. */
  testDataset?: TrainDataset;
  /** Checkpoints go to `${runDir}/checkpoints/epoch-<N>/` (mid-epoch: `epoch-<N>-batch-<B>/`), the final model to `${runDir}/model/`. */
  runDir: string;
  /**
   * Continue a run from a checkpoint. Without `batch` (end-of-epoch checkpoint): epoch `epoch`
   * finished, epochs epoch+1..spec.fit.epochs remain. With `batch` (mid-epoch checkpoint):
   * epoch `epoch` was in progress with `batch` batches done; it resumes after them (same seeded
   * order) from the running sums saved in the checkpoint, then the later epochs run.
   */
  resumeFrom?: { checkpointDir: string; epoch: number; batch?: number };
  /**
   * Write a mid-epoch checkpoint (`checkpoints/epoch-<N>-batch-<B>/`) after the batch during
   * which an epoch has trained this long since it began or since its last mid-epoch
   * checkpoint (CHECKPOINT_INTERVAL_S); absent or 0: only end-of-epoch checkpoints.
   */
  checkpointEveryMs?: number;
  /**
   * Send a `progress` message (batches done in the epoch) at most this often
   * (BATCH_PROGRESS_INTERVAL_S); absent or 0: none.
   */
  progressEveryMs?: number;
  /** A transfer run's base model (model.json + weights), resolved by the worker from spec.transfer. */
  baseModelDir?: string;
}

/** Codes of `failed`: NAN_LOSS, INVALID_MODEL, VALIDATION_FAILED, INVALID_DATASET, DATASET_UNREADABLE, CHECKPOINT_UNREADABLE, BUSY, BACKEND_UNAVAILABLE, INTERNAL. */
export type TrainingFailureCode =
  | 'NAN_LOSS'
  | 'INVALID_MODEL'
  | 'VALIDATION_FAILED'
  | 'INVALID_DATASET'
  | 'DATASET_UNREADABLE'
  | 'CHECKPOINT_UNREADABLE'
  | 'BUSY'
  | 'BACKEND_UNAVAILABLE'
  | 'INTERNAL';

/** Each message carries the run's id so a listener can never credit one run's messages to another. */
export type TrainingMessage =
  | { type: 'started'; runId: string; summary: ModelSummary; totalEpochs: number; startEpoch: number }
  | {
      type: 'epoch';
      runId: string;
      /** 1-based, counted over the whole run (a resumed run continues the count). */
      epoch: number;
      /** tfjs's names: loss, acc, val_loss, val_acc, mse... */
      metrics: Record<string, number>;
      durationMs: number;
      samplesPerSec: number;
      learningRate?: number;
    }
  | {
      type: 'checkpoint';
      runId: string;
      /** End of epoch: the epoch finished. Mid-epoch: the epoch in progress. */
      epoch: number;
      /** Mid-epoch checkpoints only: batches of `epoch` done (the metrics are their running means). */
      batch?: number;
      dir: string;
      sizeBytes: number;
      metrics: Record<string, number>;
    }
  /** Transient: batches of `epoch` trained so far out of `batches`; announced live, never stored. */
  | { type: 'progress'; runId: string; epoch: number; batch: number; batches: number }
  | { type: 'log'; runId?: string; level: 'info' | 'warn' | 'error'; message: string }
  | {
      type: 'done';
      runId: string;
      status: 'completed' | 'canceled';
      stopReason: string;
      /** The final model (model.json + weights.bin); null when canceled (the last checkpoint is kept instead). */
      modelDir: string | null;
      /** Metrics of the final model on the test split or test dataset (tfjs's names: loss, acc, ...). */
      testMetrics?: Record<string, number>;
      /** Classification with test data: rows true class, columns predicted class. */
      confusionMatrix?: ConfusionMatrix;
    }
  | { type: 'failed'; runId?: string; code: TrainingFailureCode; message: string };
