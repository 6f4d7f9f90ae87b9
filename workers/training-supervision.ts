import { UnrecoverableError, type Job } from 'bullmq';
import type { Run } from '../src/generated/prisma/client.ts';
import type { TrainJob } from '../src/training/training-job.ts';
import { applyCheckpointRetention, removeCheckpointDirs } from './checkpoint-retention.ts';
import type { RunRecorder } from './run-recorder.ts';
import type { TrainInputs } from './train-inputs.ts';
import { checkpointLabel, requeueJob, type ActiveRun, type ResumePoint, type TrainProcessorDeps } from './train-context.ts';
import { TrainerCrashedError, type RunMessage } from './trainer/trainer-process.ts';

export interface Supervision {
  deps: TrainProcessorDeps;
  job: Job;
  token: string | undefined;
  run: Run;
  recorder: RunRecorder;
  entry: ActiveRun;
  inputs: TrainInputs;
  resume: ResumePoint;
}

/** What the supervisor has seen of a run so far, for its stop and retry messages. */
interface Progress {
  /** The newest checkpoint, as "epoch 3" or "epoch 3, batch 120". */
  lastCheckpoint: string;
  /** The epoch of the last end-of-epoch checkpoint: what a stop message says the run got through. */
  lastEpochDone: number;
  /** The trainer stopped because the worker is shutting down: the run goes back to the queue. */
  handedBack: boolean;
}

/**
 * Trains the run on one of the worker's trainer processes and records everything it reports,
 * in order. Ends with the run's final status recorded, or the run handed back to the queue
 * (shutdown), or a crash rethrown for BullMQ to retry from the last checkpoint.
 */
export async function superviseTraining(s: Supervision): Promise<string> {
  const { deps, entry } = s;
  const progress: Progress = { lastCheckpoint: s.resume.checkpoint ? checkpointLabel(s.resume.checkpoint.epoch, s.resume.batch) : 'epoch 0', lastEpochDone: s.resume.finishedEpoch, handedBack: false };
  const trainer = await deps.pool.acquire();
  entry.trainer = trainer;
  try {
    const job = await trainJobOf(s);
    const training = trainer.train(job, (msg) => recordMessage(s, progress, msg));
    // A stop asked for before the trainer had the run: it stops at its first batch.
    if (entry.stop) trainer.cancel();
    const final = await training;
    if (entry.stop === 'lease-lost') return await giveUpLease(s);
    if (progress.handedBack) return await handBack(s, progress);
    if (final.type === 'failed') throw new UnrecoverableError(`${final.code}: ${final.message}`);
    return entry.stop === 'pause' && final.status === 'canceled' ? 'paused' : final.status;
  } catch (err) {
    if (err instanceof TrainerCrashedError) return afterCrash(s, progress, err);
    // Recording failed (PostgreSQL went away mid-run, say): the trainer may still be training
    // this run, and must not be handed the next one busy. BullMQ retries from the last checkpoint.
    await trainer.stop();
    throw err;
  } finally {
    entry.trainer = null;
    deps.pool.release(trainer);
  }
}

async function trainJobOf({ deps, run, inputs, resume }: Supervision): Promise<TrainJob> {
  const { checkpoint, batch } = resume;
  return {
    runId: run.id,
    ...inputs,
    runDir: await deps.storage.ensureDir(deps.storage.runDir(run.id)),
    ...(checkpoint ? { resumeFrom: { checkpointDir: checkpoint.path, epoch: checkpoint.epoch, ...(batch !== undefined && { batch }) } } : {}),
    ...(deps.checkpointIntervalS ? { checkpointEveryMs: deps.checkpointIntervalS * 1000 } : {}),
    ...(deps.batchProgressIntervalS ? { progressEveryMs: deps.batchProgressIntervalS * 1000 } : {}),
  };
}

/** Records one message of the trainer; awaited one at a time, so database writes keep the order of epochs. */
async function recordMessage({ deps, job, recorder, entry, inputs }: Supervision, progress: Progress, msg: RunMessage): Promise<void> {
  // Without its lease the run is no longer this worker's: whoever trains it next records it.
  if (entry.stop === 'lease-lost') return;
  switch (msg.type) {
    case 'started':
      return void (await recorder.summary(msg.summary));
    case 'epoch':
      await recorder.epoch({ epoch: msg.epoch, metrics: msg.metrics, durationMs: msg.durationMs, samplesPerSec: msg.samplesPerSec, learningRate: msg.learningRate });
      // Progress is a nicety: a job whose key vanished (Redis flushed) keeps training.
      return void (await job.updateProgress({ epoch: msg.epoch }).catch(() => undefined));
    case 'checkpoint': {
      progress.lastCheckpoint = checkpointLabel(msg.epoch, msg.batch);
      if (msg.batch === undefined) progress.lastEpochDone = msg.epoch;
      await removeCheckpointDirs(deps.storage, await recorder.checkpoint({ epoch: msg.epoch, batch: msg.batch, path: msg.dir, sizeBytes: msg.sizeBytes, metrics: msg.metrics }));
      // modelCheckpoint.keep counts end-of-epoch checkpoints only.
      if (msg.batch !== undefined) return;
      return applyCheckpointRetention({ storage: deps.storage, recorder }, inputs.spec.callbacks?.modelCheckpoint?.keep);
    }
    case 'progress':
      return recorder.progress({ epoch: msg.epoch, batch: msg.batch, batches: msg.batches });
    case 'log':
      return recorder.log(msg.level, msg.message);
    case 'done':
      if (msg.status === 'completed') return void (await recorder.complete(msg.stopReason, msg));
      if (entry.stop === 'pause') return void (await recorder.pause(`paused by user after epoch ${progress.lastEpochDone}`));
      if (entry.stop === 'handoff') return void (progress.handedBack = true);
      return void (await recorder.finish('canceled', msg.stopReason));
    case 'failed':
      return void (await recorder.fail({ code: msg.code, message: msg.message }));
  }
}

/** The run is no longer this worker's (its lease connection broke): back to the queue as it is. */
function giveUpLease(s: Supervision): Promise<string> {
  s.deps.metrics?.restarted('lease-lost');
  return requeueJob(s.job, s.token);
}

async function handBack({ deps, job, token, recorder }: Supervision, progress: Progress): Promise<never> {
  deps.metrics?.restarted('handoff');
  await recorder.requeue(`worker ${deps.workerId} is shutting down; the run goes back to the queue and continues from the checkpoint of ${progress.lastCheckpoint}`);
  return requeueJob(job, token);
}

/**
 * The trainer died: killed because the worker is stopping or the user stopped the run, or on
 * its own (out of memory...). Then the queue retries from the last checkpoint, until the
 * job's attempts are spent.
 */
async function afterCrash(s: Supervision, progress: Progress, err: TrainerCrashedError): Promise<string> {
  const { job, recorder, entry } = s;
  if (entry.stop === 'lease-lost') return giveUpLease(s);
  if (entry.stop === 'handoff') return handBack(s, progress);
  if (entry.stop === 'pause') {
    await recorder.pause(`paused by user after epoch ${progress.lastEpochDone}`);
    return 'paused';
  }
  if (entry.stop === 'cancel') {
    await recorder.finish('canceled', `canceled by user after epoch ${progress.lastEpochDone}`);
    return 'canceled';
  }
  if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
    await recorder.fail({ code: 'TRAINER_CRASHED', message: `${err.message}; gave up after ${job.attemptsMade + 1} attempts` });
    throw new UnrecoverableError(err.message);
  }
  await recorder.log('warn', `${err.message}; retrying from the checkpoint of ${progress.lastCheckpoint}`);
  s.deps.metrics?.restarted('crash');
  throw err;
}
