import { DelayedError, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../src/db/prisma-client.ts';
import type { Checkpoint } from '../src/generated/prisma/client.ts';
import type { Storage } from '../src/storage/storage.ts';
import type { RunLeases } from './run-lease.ts';
import type { BackendInfo, TrainerProcess } from './trainer/trainer-process.ts';
import type { TrainerPool } from './trainer/trainer-pool.ts';
import type { WorkerMetrics } from '../src/metrics/worker-metrics.ts';

/** What the train processor (train.processor.ts) and its supervision of a trainer share. */
/**
 * Why a worker stops a run before its last epoch: the user canceled or paused it, the worker
 * is shutting down (`handoff`), or it lost the PostgreSQL connection holding its leases
 * (`lease-lost`: the run is no longer its to train or record; it goes back to the queue as it is).
 */
export type StopIntent = 'cancel' | 'pause' | 'handoff' | 'lease-lost';

export interface ActiveRun {
  runId: string;
  teamId: string;
  /** Null until a trainer is assigned: a stop asked for before then is sent as soon as it trains. */
  trainer: TrainerProcess | null;
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
  /** BATCH_PROGRESS_INTERVAL_S: transient per-batch progress announcements; 0 or absent: off. */
  batchProgressIntervalS?: number;
  /** Runs this worker trains right now, for cancel/pause requests, shutdown and heartbeats. */
  active: Map<string, ActiveRun>;
  /** True once the worker is shutting down: runs are handed back instead of started. */
  shuttingDown: () => boolean;
  /** Fair share: re-bands the team's waiting jobs once its active runs changed (src/runs/fair-share.ts). */
  rebalance?: (teamId: string) => Promise<unknown>;
  /** Re-registers the worker now, so GET /v1/workers lists a run as current the moment it starts and ends. */
  announceActive?: () => Promise<unknown>;
  /** What GET /metrics reports of this worker (epochs, final statuses, restarts). */
  metrics?: WorkerMetrics;
}

/** Where a run continues from: its furthest checkpoint (mid-epoch or not), or the start. */
export interface ResumePoint {
  checkpoint: Checkpoint | null;
  /** Batches done in the checkpoint's epoch, for a mid-epoch checkpoint. */
  batch: number | undefined;
  /** The last epoch that finished: a mid-epoch checkpoint's own epoch did not. */
  finishedEpoch: number;
}

/** "epoch 3" for an end-of-epoch checkpoint, "epoch 3, batch 120" for a mid-epoch one. */
export function checkpointLabel(epoch: number, batch: number | undefined): string {
  return batch === undefined ? `epoch ${epoch}` : `epoch ${epoch}, batch ${batch}`;
}

/** Back to the queue in `ms`, without using one of the job's attempts. */
export async function deferJob(job: Job, token: string | undefined, ms: number): Promise<never> {
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}

/** Straight back to wait, not via a lock expiry and a stalled check: another worker takes it now. */
export async function requeueJob(job: Job, token: string | undefined): Promise<never> {
  await job.moveToWait(token);
  throw new WaitingError();
}
