import type * as tf from '@tensorflow/tfjs';
import { buildRunModel } from '../model/build-run-model.ts';
import { buildTransferModel } from '../model/build-transfer-model.ts';
import { compileModel } from '../model/compile-model.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import { loadCheckpointModel, loadOptimizerState } from './checkpoint.ts';
import { loadEpochProgress, type EpochProgress } from './epoch-progress.ts';
import { RunFailure } from './run-failure.ts';
import { trainLoop, type TrainLoopOptions, type TrainOutcome } from './train-loop.ts';
import type { TrainJob } from './training-job.ts';
import { TransferPhases } from './transfer-phases.ts';

/** A run's model, compiled with its optimizer, at the point its training starts or resumes. */
export interface RunModel {
  model: tf.LayersModel;
  /** The current optimizer: a transfer run gets a new one for each phase. */
  readonly optimizer: tf.Optimizer;
  /** First epoch to train (1-based); a mid-epoch checkpoint's own epoch. */
  startEpoch: number;
  /** The mid-epoch checkpoint's progress, when resuming inside an epoch. */
  resumeAt: EpochProgress | undefined;
  /** The loop that trains it: plain, or one that moves through a transfer run's phases. */
  trainer: (options: TrainLoopOptions) => Promise<TrainOutcome>;
  dispose(): void;
}

/**
 * Builds the run's model (from its spec, its transfer base, or the checkpoint it resumes
 * from), compiles it for the phase its first epoch is in, and restores the optimizer's state
 * when the checkpoint's optimizer belongs to that phase.
 */
export async function openRunModel(job: TrainJob, spec: RunSpec, log: (message: string) => void): Promise<RunModel> {
  const { startEpoch, resumeAt } = await resumePointOf(job);
  const model = await loadOrBuild(job, spec);
  try {
    return await compileForStart(job, spec, model, startEpoch, resumeAt, log);
  } catch (err) {
    model.dispose();
    throw err;
  }
}

async function compileForStart(job: TrainJob, spec: RunSpec, model: tf.LayersModel, startEpoch: number, resumeAt: EpochProgress | undefined, log: (message: string) => void): Promise<RunModel> {
  // Transfer: the phase of the first epoch decides the trainable layers and the rate.
  const phases = spec.transfer ? await TransferPhases.load(baseDirOf(job), spec.transfer) : null;
  const startPhase = phases?.enter(model, startEpoch) ?? 0;
  let optimizer = compileModel(model, phases ? phases.compileSpec(spec.compile, startPhase) : spec.compile);
  const runModel: RunModel = {
    model,
    get optimizer() {
      return optimizer;
    },
    startEpoch,
    resumeAt,
    trainer: trainLoop,
    dispose: () => {
      model.dispose();
      optimizer.dispose();
    },
  };
  if (phases) {
    /** Between transfer phases the trainable layers change, which takes a new optimizer (tfjs compiles them in). */
    const nextPhase = (p: number) => {
      optimizer.dispose();
      optimizer = compileModel(model, phases.compileSpec(spec.compile, p));
      return optimizer;
    };
    runModel.trainer = phases.trainer(nextPhase, log);
  }
  // A checkpoint from an earlier phase holds the state of an optimizer over other weights: start this phase afresh.
  // (A mid-epoch checkpoint's epoch is the one it resumes in, so its optimizer is always this phase's.)
  if (job.resumeFrom && (!phases || phases.phaseOf(job.resumeFrom.epoch) === startPhase)) await restoreOptimizer(job, optimizer, resumeAt, log);
  return runModel;
}

/** A mid-epoch checkpoint (batch set) resumes inside its epoch; an end-of-epoch one after it. */
async function resumePointOf(job: TrainJob): Promise<{ startEpoch: number; resumeAt: EpochProgress | undefined }> {
  const from = job.resumeFrom;
  if (!from) return { startEpoch: 1, resumeAt: undefined };
  if (from.batch === undefined) return { startEpoch: from.epoch + 1, resumeAt: undefined };
  const resumeAt = await loadEpochProgress(from.checkpointDir).catch((err: Error) => {
    throw new RunFailure('CHECKPOINT_UNREADABLE', `cannot read the progress of the mid-epoch checkpoint: ${err.message}`);
  });
  if (resumeAt.epoch !== from.epoch || resumeAt.batch !== from.batch) {
    throw new RunFailure('CHECKPOINT_UNREADABLE', `the mid-epoch checkpoint holds epoch ${resumeAt.epoch}, batch ${resumeAt.batch}, not epoch ${from.epoch}, batch ${from.batch}`);
  }
  return { startEpoch: from.epoch, resumeAt };
}

async function loadOrBuild(job: TrainJob, spec: RunSpec): Promise<tf.LayersModel> {
  const from = job.resumeFrom;
  if (from) {
    return loadCheckpointModel(from.checkpointDir).catch((err: Error) => {
      throw new RunFailure('CHECKPOINT_UNREADABLE', `cannot load the checkpoint of epoch ${from.epoch}: ${err.message}`);
    });
  }
  const options = { ...job.dataset, loss: spec.compile.loss, seed: spec.fit.seed };
  return spec.transfer ? (await buildTransferModel(baseDirOf(job), spec.transfer, options)).model : buildRunModel(spec.model!, options);
}

async function restoreOptimizer(job: TrainJob, optimizer: tf.Optimizer, resumeAt: EpochProgress | undefined, log: (message: string) => void) {
  const from = job.resumeFrom!;
  await loadOptimizerState(optimizer, from.checkpointDir).catch((err: Error) => {
    throw new RunFailure('CHECKPOINT_UNREADABLE', `cannot restore the optimizer state: ${err.message}`);
  });
  const where = resumeAt ? `in epoch ${resumeAt.epoch} after batch ${resumeAt.batch}` : `after epoch ${from.epoch}`;
  log(`resumed ${where}; optimizer at iteration ${optimizer.iterations}`);
}

/** The base a transfer run starts from; the worker resolves it into the job. */
function baseDirOf(job: TrainJob): string {
  if (!job.baseModelDir) throw new RunFailure('VALIDATION_FAILED', 'a transfer run needs its base model, and the job carries none');
  return job.baseModelDir;
}
