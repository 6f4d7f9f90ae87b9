import type * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { AppError } from '../errors/app-error.ts';
import { fileSaveHandler, writeDirAtomically } from '../model/file-model-io.ts';
import { summarizeModel } from '../model/model-summary.ts';
import { checkLossForTask, targetEncodingFor } from '../model/target-encoding.ts';
import { parseRunSpec } from '../spec/parse-run-spec.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import { fmt } from './callbacks/monitor.ts';
import { TrainingCallbacks } from './callbacks/training-callbacks.ts';
import { saveCheckpoint } from './checkpoint.ts';
import { DatasetUnreadableError } from './data-loader.ts';
import { evaluateModel } from './evaluate-model.ts';
import { learningRateOf } from './learning-rate.ts';
import { RunFailure } from './run-failure.ts';
import { openRunModel, type RunModel } from './run-model.ts';
import { loadRunData, type RunData } from './run-data.ts';
import { trainLoop, type EpochResult, type TrainOutcome } from './train-loop.ts';
import type { TrainDataset, TrainingFailureCode, TrainingMessage, TrainJob } from './training-job.ts';
import { saveEpochProgress, type EpochProgress } from './epoch-progress.ts';

export interface RunIo {
  send: (msg: TrainingMessage) => void;
  /** True once the parent asked to cancel this run. */
  shouldStop: () => boolean;
}

/** `batch` (mid-epoch checkpoints): batches of `epoch` done, in the name so each is its own directory. */
export const checkpointDirOf = (runDir: string, epoch: number, batch?: number) =>
  path.join(runDir, 'checkpoints', batch === undefined ? `epoch-${epoch}` : `epoch-${epoch}-batch-${batch}`);
export const modelDirOf = (runDir: string) => path.join(runDir, 'model');

/** Everything one run trains with, set up from its job; freed by {@link runTraining} whatever happens. */
interface Session {
  job: TrainJob;
  spec: RunSpec;
  io: RunIo;
  model: RunModel;
  callbacks: TrainingCallbacks;
  data: RunData;
}

/**
 * Trains one job from start (or its checkpoint) to a final message: exactly one `done` or
 * `failed` is sent, whatever happens. Owns the model and optimizer and frees both.
 */
export async function runTraining(job: TrainJob, io: RunIo): Promise<void> {
  let model: RunModel | null = null;
  let callbacks: TrainingCallbacks | null = null;
  try {
    const spec = parseRunSpec(job.spec);
    checkLossForTask(spec.compile.loss, job.dataset.task);
    model = await openRunModel(job, spec, (message) => io.send({ type: 'log', runId: job.runId, level: 'info', message }));
    callbacks = await createCallbacks(job, spec, model.optimizer);
    const encoding = targetEncodingFor(job.dataset, model.model.outputs[0].shape.slice(1) as number[], spec.compile.loss);
    const session: Session = { job, spec, io, model, callbacks, data: await loadRunData(job, spec, encoding) };
    io.send({ type: 'started', runId: job.runId, summary: summarizeModel(model.model), totalEpochs: spec.fit.epochs, startEpoch: model.startEpoch });
    await finish(session, await train(session));
  } catch (err) {
    io.send({ type: 'failed', runId: job.runId, ...failureOf(err) });
  } finally {
    callbacks?.dispose();
    model?.dispose();
  }
}

/** Early stopping, checkpoint policy, LR schedules, restored from the checkpoint a resumed run starts from. */
async function createCallbacks(job: TrainJob, spec: RunSpec, optimizer: tf.Optimizer): Promise<TrainingCallbacks> {
  const hasValidation = spec.fit.validationSplit > 0 || Boolean(job.validationDataset);
  const callbacks = new TrainingCallbacks(spec.callbacks, { defaultMonitor: hasValidation ? 'val_loss' : 'loss', initialLearningRate: learningRateOf(optimizer) });
  if (job.resumeFrom) {
    await callbacks.restore(job.resumeFrom.checkpointDir, optimizer).catch((err: Error) => {
      throw new RunFailure('CHECKPOINT_UNREADABLE', `cannot restore the callbacks' state: ${err.message}`);
    });
  }
  return callbacks;
}

async function train(s: Session): Promise<TrainOutcome> {
  const { job, spec, io, model, callbacks } = s;
  // A run stopped by a callback and then resumed (the worker died before reporting) does not train on.
  if (callbacks.stopReason) return { status: 'stopped', lastEpoch: model.startEpoch - 1, reason: callbacks.stopReason };
  return model.trainer({
    model: model.model,
    optimizer: model.optimizer,
    loader: s.data.trainSource,
    startEpoch: model.startEpoch,
    totalEpochs: spec.fit.epochs,
    shouldStop: io.shouldStop,
    resumeAt: model.resumeAt,
    midEpochCheckpoint: job.checkpointEveryMs ? { everyMs: job.checkpointEveryMs, save: (progress) => saveMidEpochCheckpoint(s, progress) } : undefined,
    onEpochBegin: (epoch) => callbacks.onEpochBegin(epoch, model.optimizer),
    onBatchEnd: job.progressEveryMs ? progressReporter(s, job.progressEveryMs) : undefined,
    onEpochEnd: (result) => endEpoch(s, result),
  });
}

/**
 * Sends `progress` after a batch once `everyMs` has passed since the last one sent: a run of
 * tiny batches costs one message per interval, not one per batch. (Strictly at most one per
 * interval, so an epoch's last batch may go unreported; its `epoch` event says it finished.)
 */
function progressReporter({ job, io, data }: Session, everyMs: number): (epoch: number, batch: number) => void {
  let lastSent = 0;
  return (epoch, batch) => {
    const now = performance.now();
    if (now - lastSent < everyMs) return;
    lastSent = now;
    io.send({ type: 'progress', runId: job.runId, epoch, batch, batches: data.batchesPerEpoch });
  };
}

/**
 * Reports the epoch, lets the callbacks decide, and saves the checkpoint their policy asks
 * for. An epoch the policy skips (everyEpochs > 1, saveBestOnly without a new best) still
 * leaves a resume point, "the next epoch, 0 batches done", kept like a mid-epoch checkpoint
 * (only the newest, never counted in `keep`): a crash then loses at most the epoch in
 * progress, whatever the user chose to keep.
 */
async function endEpoch(s: Session, result: EpochResult): Promise<void | { stop: string }> {
  const { job, io, model, callbacks } = s;
  io.send({ type: 'epoch', runId: job.runId, ...result });
  const decision = callbacks.onEpochEnd(result.epoch, result.metrics, model.model, model.optimizer);
  for (const line of decision.logs) io.send({ type: 'log', runId: job.runId, level: line.level, message: line.message });
  if (decision.saveCheckpoint) {
    const dir = checkpointDirOf(job.runDir, result.epoch);
    const opt = model.optimizer;
    const sizeBytes = await saveCheckpoint(model.model, dir, opt, callbacks.active ? (tmp) => callbacks.save(tmp, opt) : undefined);
    io.send({ type: 'checkpoint', runId: job.runId, epoch: result.epoch, dir, sizeBytes, metrics: result.metrics });
  } else if (!decision.stop && result.epoch < s.spec.fit.epochs) {
    await saveMidEpochCheckpoint(s, { epoch: result.epoch + 1, batch: 0, seen: 0, sums: {}, trainMs: 0 });
  }
  return decision.stop ? { stop: decision.stop } : undefined;
}

async function saveMidEpochCheckpoint({ job, io, model, callbacks }: Session, progress: EpochProgress): Promise<void> {
  const dir = checkpointDirOf(job.runDir, progress.epoch, progress.batch);
  const opt = model.optimizer;
  const sizeBytes = await saveCheckpoint(model.model, dir, opt, async (tmp) => {
    if (callbacks.active) await callbacks.save(tmp, opt);
    await saveEpochProgress(tmp, progress);
  });
  // Running means of the training metrics over the batches done.
  const metrics = Object.fromEntries(Object.entries(progress.sums).map(([name, sum]) => [name, sum / Math.max(progress.seen, 1)]));
  io.send({ type: 'checkpoint', runId: job.runId, epoch: progress.epoch, batch: progress.batch, dir, sizeBytes, metrics });
}

/** After the last epoch: the final model saved, evaluated on the test data, and `done` sent. */
async function finish(s: Session, outcome: TrainOutcome): Promise<void> {
  const { job, spec, io, callbacks } = s;
  const trained = s.model.model;
  if (outcome.status === 'nan') {
    throw new RunFailure('NAN_LOSS', `the loss became ${outcome.loss} at epoch ${outcome.epoch}, batch ${outcome.batch + 1}; try a lower learning rate`);
  }
  if (outcome.status === 'canceled') {
    io.send({ type: 'done', runId: job.runId, status: 'canceled', stopReason: `canceled by user after epoch ${outcome.lastEpoch}`, modelDir: null });
    return;
  }
  const restored = callbacks.restoreBest(trained, outcome.lastEpoch);
  if (restored) io.send({ type: 'log', runId: job.runId, level: 'info', message: restored });
  const modelDir = modelDirOf(job.runDir);
  await writeDirAtomically(modelDir, async (tmp) => void (await trained.save(fileSaveHandler(tmp))));
  const test = s.data.testBatches ? await evaluateModel(trained, s.data.testBatches(), { classNames: job.dataset.task === 'classification' ? classNamesOf(job.dataset) : undefined }) : null;
  if (test) io.send({ type: 'log', runId: job.runId, level: 'info', message: `test: ${Object.entries(test.metrics).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')} on ${test.numSamples} samples` });
  io.send({
    type: 'done',
    runId: job.runId,
    status: 'completed',
    stopReason: outcome.status === 'stopped' ? outcome.reason : `completed all ${spec.fit.epochs} epochs`,
    modelDir,
    ...(test && test.numSamples > 0 && { testMetrics: test.metrics }),
    ...(test?.confusionMatrix && { confusionMatrix: test.confusionMatrix }),
  });
}

/** Class names for the confusion matrix; a dataset without names gets its class indices. */
function classNamesOf(dataset: TrainDataset): string[] {
  const k = dataset.numClasses ?? 0;
  return Array.from({ length: k }, (_, i) => dataset.classNames[i] ?? String(i));
}

function failureOf(err: unknown): { code: TrainingFailureCode; message: string } {
  if (err instanceof RunFailure) return { code: err.code, message: err.message };
  if (err instanceof DatasetUnreadableError) return { code: 'DATASET_UNREADABLE', message: err.message };
  if (err instanceof AppError && (err.code === 'INVALID_MODEL' || err.code === 'VALIDATION_FAILED' || err.code === 'INVALID_DATASET')) {
    return { code: err.code, message: err.message };
  }
  return { code: 'INTERNAL', message: (err as Error)?.message ?? String(err) };
}
