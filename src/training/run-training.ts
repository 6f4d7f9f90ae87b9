import type * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { AppError } from '../errors/app-error.ts';
import { buildRunModel } from '../model/build-run-model.ts';
import { compileModel } from '../model/compile-model.ts';
import { fileSaveHandler, writeDirAtomically } from '../model/file-model-io.ts';
import { summarizeModel } from '../model/model-summary.ts';
import { checkLossForTask, targetEncodingFor } from '../model/target-encoding.ts';
import { runSpecSchema } from '../spec/run-spec.schema.ts';
import { loadCheckpointModel, loadOptimizerState, saveCheckpoint } from './checkpoint.ts';
import { TrainingCallbacks } from './callbacks/training-callbacks.ts';
import { fmt } from './callbacks/monitor.ts';
import { DatasetUnreadableError, loadDataset, type BatchSource } from './data-loader.ts';
import { loadEpochProgress, saveEpochProgress, type EpochProgress } from './epoch-progress.ts';
import { withAugmentation } from './augment-batch.ts';
import { TransferPhases } from './transfer-phases.ts';
import { buildTransferModel } from '../model/build-transfer-model.ts';
import { checkAugmentationFits } from '../spec/augmentation-spec.schema.ts';
import { evaluateModel } from './evaluate-model.ts';
import { learningRateOf } from './learning-rate.ts';
import { trainLoop, type TrainOutcome } from './train-loop.ts';
import type { TrainDataset, TrainingFailureCode, TrainingMessage, TrainJob } from './training-job.ts';

export interface RunIo {
  send: (msg: TrainingMessage) => void;
  /** True once the parent asked to cancel this run. */
  shouldStop: () => boolean;
}

class RunFailure extends Error {
  constructor(
    readonly code: TrainingFailureCode,
    message: string,
  ) {
    super(message);
  }
}

/** `batch` (mid-epoch checkpoints): batches of `epoch` done, in the name so each is its own directory. */
export const checkpointDirOf = (runDir: string, epoch: number, batch?: number) =>
  path.join(runDir, 'checkpoints', batch === undefined ? `epoch-${epoch}` : `epoch-${epoch}-batch-${batch}`);
export const modelDirOf = (runDir: string) => path.join(runDir, 'model');

/**
 * Trains one job from start (or its checkpoint) to a final message: exactly one `done` or
 * `failed` is sent, whatever happens. Owns the model and optimizer and frees both.
 */
export async function runTraining(job: TrainJob, io: RunIo): Promise<void> {
  const { runId } = job;
  let model: tf.LayersModel | null = null;
  let optimizer: tf.Optimizer | null = null;
  let callbacks: TrainingCallbacks | null = null;
  try {
    const parsed = runSpecSchema.safeParse(job.spec);
    if (!parsed.success) throw new RunFailure('VALIDATION_FAILED', `invalid run spec: ${parsed.error.message}`);
    const spec = parsed.data;
    const { dataset } = job;
    checkLossForTask(spec.compile.loss, dataset.task);

    // A mid-epoch checkpoint (batch set) resumes inside its epoch; an end-of-epoch one after it.
    const midEpoch = job.resumeFrom?.batch !== undefined;
    const startEpoch = job.resumeFrom ? job.resumeFrom.epoch + (midEpoch ? 0 : 1) : 1;
    const resumeAt: EpochProgress | undefined = midEpoch
      ? await loadEpochProgress(job.resumeFrom!.checkpointDir).catch((err: Error) => {
          throw new RunFailure('CHECKPOINT_UNREADABLE', `cannot read the progress of the mid-epoch checkpoint: ${err.message}`);
        })
      : undefined;
    if (resumeAt && (resumeAt.epoch !== job.resumeFrom!.epoch || resumeAt.batch !== job.resumeFrom!.batch)) {
      throw new RunFailure('CHECKPOINT_UNREADABLE', `the mid-epoch checkpoint holds epoch ${resumeAt.epoch}, batch ${resumeAt.batch}, not epoch ${job.resumeFrom!.epoch}, batch ${job.resumeFrom!.batch}`);
    }
    model = job.resumeFrom
      ? await loadCheckpointModel(job.resumeFrom.checkpointDir).catch((err: Error) => {
          throw new RunFailure('CHECKPOINT_UNREADABLE', `cannot load the checkpoint of epoch ${job.resumeFrom!.epoch}: ${err.message}`);
        })
      : spec.transfer
        ? (await buildTransferModel(baseDirOf(job), spec.transfer, { ...dataset, loss: spec.compile.loss, seed: spec.fit.seed })).model
        : await buildRunModel(spec.model!, { ...dataset, loss: spec.compile.loss, seed: spec.fit.seed });
    const encoding = targetEncodingFor(dataset, model.outputs[0].shape.slice(1) as number[], spec.compile.loss);
    // Transfer: the phase of the first epoch decides the trainable layers and the rate.
    const phases = spec.transfer ? await TransferPhases.load(baseDirOf(job), spec.transfer) : null;
    const startPhase = phases?.enter(model, startEpoch) ?? 0;
    let opt = compileModel(model, phases ? phases.compileSpec(spec.compile, startPhase) : spec.compile);
    optimizer = opt;
    // A checkpoint from an earlier phase holds the state of an optimizer over other weights: start this phase afresh.
    // (A mid-epoch checkpoint's epoch is the one it resumes in, so its optimizer is always this phase's.)
    if (job.resumeFrom && (!phases || phases.phaseOf(job.resumeFrom.epoch) === startPhase)) {
      await loadOptimizerState(opt, job.resumeFrom.checkpointDir).catch((err: Error) => {
        throw new RunFailure('CHECKPOINT_UNREADABLE', `cannot restore the optimizer state: ${err.message}`);
      });
      const where = resumeAt ? `in epoch ${resumeAt.epoch} after batch ${resumeAt.batch}` : `after epoch ${job.resumeFrom.epoch}`;
      io.send({ type: 'log', runId, level: 'info', message: `resumed ${where}; optimizer at iteration ${opt.iterations}` });
    }

    const hasValidation = spec.fit.validationSplit > 0 || Boolean(job.validationDataset);
    callbacks = new TrainingCallbacks(spec.callbacks, { defaultMonitor: hasValidation ? 'val_loss' : 'loss', initialLearningRate: learningRateOf(opt) });
    const cb = callbacks;
    if (job.resumeFrom) {
      await cb.restore(job.resumeFrom.checkpointDir, opt).catch((err: Error) => {
        throw new RunFailure('CHECKPOINT_UNREADABLE', `cannot restore the callbacks' state: ${err.message}`);
      });
    }

    const loaderOptions = {
      inputShape: dataset.inputShape,
      targetShape: dataset.targetShape,
      encoding,
      numClasses: dataset.numClasses,
      batchSize: spec.fit.batchSize,
    };
    const loader = await loadDataset(dataset.dir, {
      ...loaderOptions,
      numSamples: dataset.numSamples,
      validationSplit: spec.fit.validationSplit,
      testSplit: spec.fit.testSplit,
      classWeight: spec.fit.classWeight,
      shuffle: spec.fit.shuffle,
      seed: spec.fit.seed,
    });
    /** A separate validation or test dataset: used whole, in its stored order, scaled as the training data. */
    const loadExtra = (extra: TrainDataset, role: string) => {
      checkSameShape(extra, dataset, role);
      return loadDataset(extra.dir, { ...loaderOptions, numSamples: extra.numSamples, validationSplit: 0, shuffle: false }, { from: extra.preprocessing, to: dataset.preprocessing });
    };
    const validationLoader = job.validationDataset ? await loadExtra(job.validationDataset, 'validation') : null;
    const testLoader = job.testDataset ? await loadExtra(job.testDataset, 'test') : null;
    const source: BatchSource = validationLoader
      ? { trainBatches: (epoch) => loader.trainBatches(epoch), validationBatches: () => validationLoader.allBatches() }
      : loader;
    // Training batches only: validation (and test) data are never augmented.
    if (spec.augmentation) checkAugmentationFits(dataset.inputShape);
    const trainSource = spec.augmentation ? withAugmentation(source, spec.augmentation, spec.augmentation.seed ?? spec.fit.seed) : source;

    io.send({ type: 'started', runId, summary: summarizeModel(model), totalEpochs: spec.fit.epochs, startEpoch });
    const trained = model;
    /** Between transfer phases the trainable layers change, which takes a new optimizer (tfjs compiles them in). */
    const nextPhase = (p: number) => {
      optimizer?.dispose();
      opt = compileModel(trained, phases!.compileSpec(spec.compile, p));
      optimizer = opt;
      return opt;
    };
    const train = phases ? phases.trainer(nextPhase, (message) => io.send({ type: 'log', runId, level: 'info', message })) : trainLoop;

    // A run stopped by a callback and then resumed (the worker died before reporting) does not train on.
    const outcome: TrainOutcome = cb.stopReason
      ? { status: 'stopped', lastEpoch: startEpoch - 1, reason: cb.stopReason }
      : await train({
          model: trained,
          optimizer: opt,
          loader: trainSource,
          startEpoch,
          totalEpochs: spec.fit.epochs,
          shouldStop: io.shouldStop,
          resumeAt,
          midEpochCheckpoint: job.checkpointEveryMs
            ? {
                everyMs: job.checkpointEveryMs,
                save: async (progress) => {
                  const dir = checkpointDirOf(job.runDir, progress.epoch, progress.batch);
                  const sizeBytes = await saveCheckpoint(trained, dir, opt, async (tmp) => {
                    if (cb.active) await cb.save(tmp, opt);
                    await saveEpochProgress(tmp, progress);
                  });
                  // Running means of the training metrics over the batches done.
                  const metrics = Object.fromEntries(Object.entries(progress.sums).map(([name, sum]) => [name, sum / Math.max(progress.seen, 1)]));
                  io.send({ type: 'checkpoint', runId, epoch: progress.epoch, batch: progress.batch, dir, sizeBytes, metrics });
                },
              }
            : undefined,
          onEpochBegin: (epoch) => cb.onEpochBegin(epoch, opt),
          onEpochEnd: async (result) => {
            io.send({ type: 'epoch', runId, ...result });
            const decision = cb.onEpochEnd(result.epoch, result.metrics, trained, opt);
            for (const line of decision.logs) io.send({ type: 'log', runId, level: line.level, message: line.message });
            if (decision.saveCheckpoint) {
              const dir = checkpointDirOf(job.runDir, result.epoch);
              const sizeBytes = await saveCheckpoint(trained, dir, opt, cb.active ? (tmp) => cb.save(tmp, opt) : undefined);
              io.send({ type: 'checkpoint', runId, epoch: result.epoch, dir, sizeBytes, metrics: result.metrics });
            }
            return decision.stop ? { stop: decision.stop } : undefined;
          },
        });

    if (outcome.status === 'nan') {
      throw new RunFailure('NAN_LOSS', `the loss became ${outcome.loss} at epoch ${outcome.epoch}, batch ${outcome.batch + 1}; try a lower learning rate`);
    }
    if (outcome.status === 'canceled') {
      io.send({ type: 'done', runId, status: 'canceled', stopReason: `canceled by user after epoch ${outcome.lastEpoch}`, modelDir: null });
      return;
    }
    const restored = cb.restoreBest(trained, outcome.lastEpoch);
    if (restored) io.send({ type: 'log', runId, level: 'info', message: restored });
    const modelDir = modelDirOf(job.runDir);
    await writeDirAtomically(modelDir, async (tmp) => void (await trained.save(fileSaveHandler(tmp))));

    const testBatches = testLoader ? testLoader.allBatches() : spec.fit.testSplit > 0 ? loader.testBatches() : null;
    const test = testBatches
      ? await evaluateModel(trained, testBatches, { classNames: dataset.task === 'classification' ? classNamesOf(dataset) : undefined })
      : null;
    if (test) io.send({ type: 'log', runId, level: 'info', message: `test: ${Object.entries(test.metrics).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')} on ${test.numSamples} samples` });
    const stopReason = outcome.status === 'stopped' ? outcome.reason : `completed all ${spec.fit.epochs} epochs`;
    io.send({
      type: 'done',
      runId,
      status: 'completed',
      stopReason,
      modelDir,
      ...(test && test.numSamples > 0 && { testMetrics: test.metrics }),
      ...(test?.confusionMatrix && { confusionMatrix: test.confusionMatrix }),
    });
  } catch (err) {
    io.send({ type: 'failed', runId, ...failureOf(err) });
  } finally {
    callbacks?.dispose();
    model?.dispose();
    optimizer?.dispose();
  }
}

/** The worker checked this when it queued nothing wrong; a dataset changed since would train on garbage. */
function checkSameShape(extra: TrainDataset, dataset: TrainDataset, role: string) {
  const same =
    extra.task === dataset.task &&
    extra.inputShape.join() === dataset.inputShape.join() &&
    extra.targetShape.join() === dataset.targetShape.join() &&
    extra.numClasses === dataset.numClasses;
  if (!same) throw new RunFailure('INVALID_DATASET', `the ${role} dataset does not have the training dataset's input shape, target shape and classes`);
}

/** Class names for the confusion matrix; a dataset without names gets its class indices. */
function classNamesOf(dataset: TrainDataset): string[] {
  const k = dataset.numClasses ?? 0;
  return Array.from({ length: k }, (_, i) => dataset.classNames[i] ?? String(i));
}

/** The base a transfer run starts from; the worker resolves it into the job. */
function baseDirOf(job: TrainJob): string {
  if (!job.baseModelDir) throw new RunFailure('VALIDATION_FAILED', 'a transfer run needs its base model, and the job carries none');
  return job.baseModelDir;
}

function failureOf(err: unknown): { code: TrainingFailureCode; message: string } {
  if (err instanceof RunFailure) return { code: err.code, message: err.message };
  if (err instanceof DatasetUnreadableError) return { code: 'DATASET_UNREADABLE', message: err.message };
  if (err instanceof AppError && (err.code === 'INVALID_MODEL' || err.code === 'VALIDATION_FAILED' || err.code === 'INVALID_DATASET')) {
    return { code: err.code, message: err.message };
  }
  return { code: 'INTERNAL', message: (err as Error)?.message ?? String(err) };
}
