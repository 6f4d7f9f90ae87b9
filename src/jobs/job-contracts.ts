import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { bullPriority } from './job-priority.ts';

/**
 * The contract between the API (which adds jobs) and workers (which take them): queue
 * names, payload schemas and job options live here and nowhere else. Payloads are
 * validated when added and again when taken.
 */
export const QueueName = {
  train: 'train',
} as const;

/** Workers subscribe here to learn that a run they train was canceled... */
export const cancelChannel = (redisPrefix: string) => `${redisPrefix}:control:cancel`;
/** ... and here that it was paused. */
export const pauseChannel = (redisPrefix: string) => `${redisPrefix}:control:pause`;

export const trainJobSchema = z.object({ runId: z.string().uuid() });

/**
 * The job id is the run id, so a run can never be queued twice. Attempts cover worker
 * crashes (a stalled job is retried from the last checkpoint); input errors fail with
 * UnrecoverableError and are not retried.
 */
export function trainJobOptions(runId: string, priority: number, rank = 0): JobsOptions {
  return {
    jobId: runId,
    // BullMQ: 1 is the highest priority; our API takes higher numbers as more urgent (0..100).
    // `rank` places the run behind its own team's active runs: see src/runs/fair-share.ts.
    priority: bullPriority(rank, priority),
    attempts: 5,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
