import type { Queue, WorkerOptions } from 'bullmq';
import { QueueName, trainJobOptions, trainJobSchema } from './job-contracts.ts';

/** Job states in which a run's job will still be (or is being) processed. */
const LIVE_STATES = new Set(['waiting', 'prioritized', 'delayed', 'active', 'waiting-children']);

/**
 * Makes sure a run has a job that will be processed, whatever happened before: no job (a
 * Redis flush, a lost add) → added; a finished job left over from an earlier stint (a
 * paused run that resumes, a job that failed after too many stalls) → replaced; a live job →
 * left alone. The job id is the run id, so concurrent callers cannot queue a run twice.
 * `rank` is the run's fair-share band in its team (see src/runs/fair-share.ts). Returns what it did.
 */
export async function ensureTrainJob(queue: Queue, runId: string, priority: number, rank = 0): Promise<'added' | 'present'> {
  const payload = trainJobSchema.parse({ runId });
  const existing = await queue.getJob(runId);
  if (existing) {
    const state = await existing.getState();
    if (LIVE_STATES.has(state)) return 'present';
    // BullMQ ignores an add whose id exists, even completed: remove the old one first.
    await existing.remove().catch(() => undefined);
  }
  await queue.add(QueueName.train, payload, trainJobOptions(runId, priority, rank));
  return 'added';
}

/**
 * Removes a run's job if no worker has taken it yet; returns whether it did. A job taken
 * meanwhile stays: its worker sees the run's new status (or stop flag) and lets it go.
 */
export async function removeWaitingTrainJob(queue: Queue, runId: string): Promise<boolean> {
  const job = await queue.getJob(runId);
  if (!job) return false;
  const state = await job.getState();
  if (state !== 'waiting' && state !== 'prioritized' && state !== 'delayed') return false;
  await job.remove().catch(() => undefined);
  return true;
}

/**
 * How a training worker holds its jobs. A worker renews its lock every `lockDuration / 2`;
 * a dead worker's lock expires after `lockDuration`, and the stalled check (every
 * `stalledInterval`, on every live worker) needs two passes to move the job back to wait.
 * A third of the stall timeout each keeps the takeover within the timeout. A long run may
 * outlive many workers, so `maxStalledCount` is high.
 */
export function trainWorkerTuning(opts: { stallTimeoutMs: number; maxStalls: number }): Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  const third = Math.max(1000, Math.floor(opts.stallTimeoutMs / 3));
  return { lockDuration: third, stalledInterval: third, maxStalledCount: opts.maxStalls };
}

/** BullMQ's key prefix under the deployment's Redis prefix. */
export const bullPrefix = (redisPrefix: string) => `${redisPrefix}:bull`;
