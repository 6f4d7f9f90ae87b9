import type * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { AppError } from '../../src/errors/app-error.ts';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import { fileSaveHandler, writeDirAtomically } from '../../src/model/file-model-io.ts';
import { summarizeModel } from '../../src/model/model-summary.ts';
import { checkLossForTask, targetEncodingFor } from '../../src/model/target-encoding.ts';
import { runSpecSchema } from '../../src/runs/run-spec.schema.ts';
import { loadCheckpointModel, loadOptimizerState, saveCheckpoint } from './checkpoint.ts';
import { DatasetUnreadableError, loadDataset } from './data-loader.ts';
import { trainLoop } from './train-loop.ts';
import type { ChildMessage, TrainerFailureCode, TrainJob } from './trainer-protocol.ts';

export interface RunIo {
  send: (msg: ChildMessage) => void;
  /** True once the parent asked to cancel this run. */
  shouldStop: () => boolean;
}

class RunFailure extends Error {
  constructor(
    readonly code: TrainerFailureCode,
    message: string,
  ) {
    super(message);
  }
}

export const checkpointDirOf = (runDir: string, epoch: number) => path.join(runDir, 'checkpoints', `epoch-${epoch}`);
export const modelDirOf = (runDir: string) => path.join(runDir, 'model');

/**
 * Trains one job from start (or its checkpoint) to a final message: exactly one `done` or
 * `failed` is sent, whatever happens. Owns the model and optimizer and frees both.
 */
export async function runTraining(job: TrainJob, io: RunIo): Promise<void> {
  const { runId } = job;
  let model: tf.LayersModel | null = null;
  let optimizer: tf.Optimizer | null = null;
  try {
    const parsed = runSpecSchema.safeParse(job.spec);
    if (!parsed.success) throw new RunFailure('VALIDATION_FAILED', `invalid run spec: ${parsed.error.message}`);
    const spec = parsed.data;
    const { dataset } = job;
    checkLossForTask(spec.compile.loss, dataset.task);

    const startEpoch = job.resumeFrom ? job.resumeFrom.epoch + 1 : 1;
    model = job.resumeFrom
      ? await loadCheckpointModel(job.resumeFrom.checkpointDir).catch((err: Error) => {
          throw new RunFailure('CHECKPOINT_UNREADABLE', `cannot load the checkpoint of epoch ${job.resumeFrom!.epoch}: ${err.message}`);
        })
      : buildModel(spec.model, { ...dataset, loss: spec.compile.loss, seed: spec.fit.seed });
    const encoding = targetEncodingFor(dataset, model.outputs[0].shape.slice(1) as number[], spec.compile.loss);
    const opt = compileModel(model, spec.compile);
    optimizer = opt;
    if (job.resumeFrom) {
      await loadOptimizerState(opt, job.resumeFrom.checkpointDir).catch((err: Error) => {
        throw new RunFailure('CHECKPOINT_UNREADABLE', `cannot restore the optimizer state: ${err.message}`);
      });
      io.send({ type: 'log', runId, level: 'info', message: `resumed after epoch ${job.resumeFrom.epoch}; optimizer at iteration ${opt.iterations}` });
    }

    const loader = await loadDataset(dataset.dir, {
      numSamples: dataset.numSamples,
      inputShape: dataset.inputShape,
      targetShape: dataset.targetShape,
      encoding,
      batchSize: spec.fit.batchSize,
      validationSplit: spec.fit.validationSplit,
      shuffle: spec.fit.shuffle,
      seed: spec.fit.seed,
    });
    io.send({ type: 'started', runId, summary: summarizeModel(model), totalEpochs: spec.fit.epochs, startEpoch });
    const trained = model;

    const outcome = await trainLoop({
      model: trained,
      optimizer: opt,
      loader,
      startEpoch,
      totalEpochs: spec.fit.epochs,
      shouldStop: io.shouldStop,
      onEpochEnd: async (result) => {
        io.send({ type: 'epoch', runId, ...result });
        const dir = checkpointDirOf(job.runDir, result.epoch);
        const sizeBytes = await saveCheckpoint(trained, dir, opt);
        io.send({ type: 'checkpoint', runId, epoch: result.epoch, dir, sizeBytes, metrics: result.metrics });
      },
    });

    if (outcome.status === 'nan') {
      throw new RunFailure('NAN_LOSS', `the loss became ${outcome.loss} at epoch ${outcome.epoch}, batch ${outcome.batch + 1}; try a lower learning rate`);
    }
    if (outcome.status === 'canceled') {
      io.send({ type: 'done', runId, status: 'canceled', stopReason: `canceled by user after epoch ${outcome.lastEpoch}`, modelDir: null });
      return;
    }
    const modelDir = modelDirOf(job.runDir);
    await writeDirAtomically(modelDir, async (tmp) => void (await trained.save(fileSaveHandler(tmp))));
    io.send({ type: 'done', runId, status: 'completed', stopReason: `completed ${spec.fit.epochs} epochs`, modelDir });
  } catch (err) {
    io.send({ type: 'failed', runId, ...failureOf(err) });
  } finally {
    model?.dispose();
    optimizer?.dispose();
  }
}

function failureOf(err: unknown): { code: TrainerFailureCode; message: string } {
  if (err instanceof RunFailure) return { code: err.code, message: err.message };
  if (err instanceof DatasetUnreadableError) return { code: 'DATASET_UNREADABLE', message: err.message };
  if (err instanceof AppError && (err.code === 'INVALID_MODEL' || err.code === 'VALIDATION_FAILED' || err.code === 'INVALID_DATASET')) {
    return { code: err.code, message: err.message };
  }
  return { code: 'INTERNAL', message: (err as Error)?.message ?? String(err) };
}
