import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../src/db/prisma-client.ts';
import { trainJobSchema } from '../src/jobs/job-contracts.ts';
import { datasetInfoOf } from '../src/datasets/dataset-info.ts';
import { resolveTransferSource } from '../src/runs/transfer-source.ts';
import type { RunLeases } from './run-lease.ts';
import { findRun, latestCheckpoint } from '../src/runs/runs.repository.ts';
import type { RunSpec } from '../src/spec/run-spec.schema.ts';
import type { Storage } from '../src/storage/storage.ts';
import { applyCheckpointRetention, removeCheckpointDirs } from './checkpoint-retention.ts';
import { extraDatasetsOf } from './extra-datasets.ts';
import { RunRecorder } from './run-recorder.ts';
import { admitUnderRunningLimit, deferAtRunningLimit } from './running-limit.ts';
import type { TrainerPool } from './trainer/trainer-pool.ts';
import { TrainerCrashedError, type BackendInfo, type TrainerProcess } from './trainer/trainer-process.ts';

/** Why a worker stops a run before its last epoch: the user canceled or paused it, or the worker is shutting down. */
export type StopIntent = 'cancel' | 'pause' | 'handoff';

export interface ActiveRun {
  runId: string;
  teamId: string;
  trainer: TrainerProcess;
  /** Set by whoever asks the trainer to stop, so the outcome is recorded as what was asked. */
  stop: StopIntent | null;
}

export interface TrainProcessorDeps {
  db: Db;
  redis: Redis;
  redisPrefix: string;
  storage: Storage;
  pool: TrainerPool;
  /** PostgreSQL-side ownership: a run is trained only by the worker holding its lease. */
  leases: RunLeases;
  workerId: string;
  backend: BackendInfo;
  /** CHECKPOINT_INTERVAL_S: mid-epoch checkpoints during long epochs; 0 or absent: off. */
  checkpointIntervalS?: number;
  /** Runs this worker trains right now, for cancel/pause requests, shutdown and heartbeats. */
  active: Map<string, ActiveRun>;
  /** True once the worker is shutting down: runs are handed back instead of started. */
  shuttingDown: () => boolean;
  /** Fair share: re-bands the team's waiting jobs once its active runs changed (src/jobs/fair-share.ts). */
  rebalance?: (teamId: string) => Promise<unknown>;
}

/**
 * Takes one run from the queue to a final state, or back to the queue. PostgreSQL decides:
 * the run is trained only by the worker holding its lease (so never twice at once), and only
 * while it is queued or running. A job taken over from a dead worker continues from the latest
 * checkpoint. Failures caused by the run itself are final (UnrecoverableError); a trainer
 * crash is rethrown so BullMQ retries the job; a worker shutting down hands the job back to
 * wait at once.
 */
export function createTrainProcessor(deps: TrainProcessorDeps) {
  return async function processTrainJob(job: Job, token?: string): Promise<string> {
    const parsed = trainJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job payload: ${parsed.error.message}`);
    const { runId } = parsed.data;
    if (!(await deps.leases.tryAcquire(runId))) return 'skipped: another worker trains this run';
    try {
      return await trainRun(job, token, runId);
    } finally {
      await deps.leases.release(runId).catch(() => undefined);
    }
  };

  async function trainRun(job: Job, token: string | undefined, runId: string): Promise<string> {
    // Read after taking the lease, so a previous owner's last writes are visible.
    const run = await findRun(deps.db, runId);
    if (!run || (run.status !== 'queued' && run.status !== 'running')) return `skipped: run is ${run?.status ?? 'gone'}`;
    if (deps.shuttingDown()) return requeueJob(job, token);

    const recorder = new RunRecorder(deps, run);
    if (run.cancelRequested) {
      await recorder.finish('canceled', 'canceled by user');
      return 'canceled';
    }
    if (run.pauseRequested) {
      await recorder.pause('paused by user');
      return 'paused';
    }
    const resume = await latestCheckpoint(deps.db, run.id);
    // A mid-epoch checkpoint (batch set) is inside its epoch: the epochs before it are the ones that finished.
    const resumeBatch = resume?.batch ?? undefined;
    const finishedEpoch = resume ? (resumeBatch === undefined ? resume.epoch : resume.epoch - 1) : 0;
    const previousWorker = run.status === 'running' && run.workerId && run.workerId !== deps.workerId ? run.workerId : null;
    const admit = admitUnderRunningLimit(run);
    if (!(await recorder.start({ backend: deps.backend.backend, workerId: deps.workerId, resumeEpoch: finishedEpoch, admit }).catch(deferAtRunningLimit(job, token)))) return 'skipped: no longer active';
    await deps.rebalance?.(run.teamId).catch(() => undefined);

    const dataset = await deps.db.dataset.findUnique({ where: { id: run.datasetId } });
    if (!dataset || dataset.status !== 'ready') {
      await recorder.fail({ code: 'DATASET_UNAVAILABLE', message: 'the run\'s dataset is missing or not ready' });
      throw new UnrecoverableError('dataset unavailable');
    }
    const extraDatasets = await extraDatasetsOf(deps, run);
    if (typeof extraDatasets === 'string') {
      await recorder.fail({ code: 'DATASET_UNAVAILABLE', message: extraDatasets });
      throw new UnrecoverableError('dataset unavailable');
    }
    const transfer = (run.spec as unknown as RunSpec).transfer;
    const base = transfer ? await resolveTransferSource(deps.db, deps.storage, run.teamId, transfer).catch((err: Error) => err) : null;
    if (base instanceof Error) {
      await recorder.fail({ code: 'BASE_MODEL_UNAVAILABLE', message: `the transfer run's base model is gone: ${base.message}` });
      throw new UnrecoverableError('base model unavailable');
    }
    const takeover = previousWorker ? ` (worker ${previousWorker} stopped without finishing it)` : '';
    if (resume) await recorder.log('info', `resumed from the checkpoint of ${checkpointLabel(resume.epoch, resumeBatch)} on worker ${deps.workerId}${takeover}`);
    else if (previousWorker) await recorder.log('info', `restarted from the first epoch on worker ${deps.workerId}${takeover}`);

    let lastCheckpoint = resume ? checkpointLabel(resume.epoch, resumeBatch) : 'epoch 0';
    /** The epoch of the last end-of-epoch checkpoint: what a stop message says the run got through. */
    let lastEpochDone = finishedEpoch;
    const handBack = async (): Promise<never> => {
      await recorder.requeue(`worker ${deps.workerId} is shutting down; the run goes back to the queue and continues from the checkpoint of ${lastCheckpoint}`);
      return requeueJob(job, token);
    };

    const trainer = await deps.pool.acquire();
    const entry: ActiveRun = { runId: run.id, teamId: run.teamId, trainer, stop: null };
    deps.active.set(run.id, entry);
    try {
      const runDir = await deps.storage.ensureDir(deps.storage.runDir(run.id));
      let handedBack = false;
      const final = await trainer.train(
        {
          runId: run.id,
          spec: run.spec as unknown as RunSpec,
          dataset: { dir: deps.storage.datasetDir(dataset.id), ...datasetInfoOf(dataset) },
          ...extraDatasets,
          runDir,
          ...(resume ? { resumeFrom: { checkpointDir: resume.path, epoch: resume.epoch, ...(resumeBatch !== undefined && { batch: resumeBatch }) } } : {}),
          ...(deps.checkpointIntervalS ? { checkpointEveryMs: deps.checkpointIntervalS * 1000 } : {}),
          ...(base ? { baseModelDir: base.dir } : {}),
        },
        async (msg) => {
          switch (msg.type) {
            case 'started':
              return void (await recorder.summary(msg.summary));
            case 'epoch':
              await recorder.epoch({ epoch: msg.epoch, metrics: msg.metrics, durationMs: msg.durationMs, samplesPerSec: msg.samplesPerSec, learningRate: msg.learningRate });
              // Progress is a nicety: a job whose key vanished (Redis flushed) keeps training.
              return void (await job.updateProgress({ epoch: msg.epoch }).catch(() => undefined));
            case 'checkpoint': {
              lastCheckpoint = checkpointLabel(msg.epoch, msg.batch);
              if (msg.batch === undefined) lastEpochDone = msg.epoch;
              await removeCheckpointDirs(deps.storage, await recorder.checkpoint({ epoch: msg.epoch, batch: msg.batch, path: msg.dir, sizeBytes: msg.sizeBytes, metrics: msg.metrics }));
              // modelCheckpoint.keep counts end-of-epoch checkpoints only.
              if (msg.batch !== undefined) return;
              return applyCheckpointRetention({ storage: deps.storage, recorder }, (run.spec as unknown as RunSpec).callbacks?.modelCheckpoint?.keep);
            }
            case 'log':
              return recorder.log(msg.level, msg.message);
            case 'done':
              if (msg.status === 'completed') return recorder.complete(msg.stopReason, msg);
              if (entry.stop === 'pause') return recorder.pause(`paused by user after epoch ${lastEpochDone}`);
              if (entry.stop === 'handoff') return void (handedBack = true);
              return recorder.finish('canceled', msg.stopReason);
            case 'failed':
              return recorder.fail({ code: msg.code, message: msg.message });
          }
        },
      );
      if (handedBack) return await handBack();
      if (final.type === 'failed') throw new UnrecoverableError(`${final.code}: ${final.message}`);
      return entry.stop === 'pause' && final.status === 'canceled' ? 'paused' : final.status;
    } catch (err) {
      if (!(err instanceof TrainerCrashedError)) throw err;
      // The trainer died: killed because the worker is stopping, or on its own (out of memory...).
      if (entry.stop === 'handoff') return await handBack();
      if (entry.stop === 'pause') {
        await recorder.pause(`paused by user after epoch ${lastEpochDone}`);
        return 'paused';
      }
      if (entry.stop === 'cancel') {
        await recorder.finish('canceled', `canceled by user after epoch ${lastEpochDone}`);
        return 'canceled';
      }
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await recorder.fail({ code: 'TRAINER_CRASHED', message: `${err.message}; gave up after ${job.attemptsMade + 1} attempts` });
        throw new UnrecoverableError(err.message);
      }
      await recorder.log('warn', `${err.message}; retrying from the checkpoint of ${lastCheckpoint}`);
      throw err;
    } finally {
      deps.active.delete(run.id);
      deps.pool.release(trainer);
      await deps.rebalance?.(run.teamId).catch(() => undefined);
    }
  }
}

/** "epoch 3" for an end-of-epoch checkpoint, "epoch 3, batch 120" for a mid-epoch one. */
function checkpointLabel(epoch: number, batch: number | undefined): string {
  return batch === undefined ? `epoch ${epoch}` : `epoch ${epoch}, batch ${batch}`;
}

/** Straight back to wait, not via a lock expiry and a stalled check: another worker takes it now. */
async function requeueJob(job: Job, token: string | undefined): Promise<never> {
  await job.moveToWait(token);
  throw new WaitingError();
}
