import type { Queue } from 'bullmq';
import type { DbTx } from '../db/prisma-client.ts';
import { ensureTrainJob } from '../jobs/train-queue.ts';
import { rebalanceTeamQueue, teamQueueRanks } from './fair-share.ts';

export interface QueueRunDeps {
  db: DbTx;
  queue: Queue;
}

/**
 * Gives a run whose row is queued (just created, resumed, or found without a job by the
 * reconciler) its BullMQ job, in the fair-share band its place in its team gives it, then
 * re-bands the team's other waiting jobs, which now have one more run ahead of them.
 * Idempotent: a run whose job is live keeps it. Returns what it did to the run's job.
 */
export async function queueRun(deps: QueueRunDeps, run: { id: string; teamId: string; priority: number }): Promise<'added' | 'present'> {
  const rank = (await teamQueueRanks(deps.db, run.teamId)).find((r) => r.runId === run.id)?.rank ?? 0;
  const outcome = await ensureTrainJob(deps.queue, run.id, run.priority, rank);
  // Bands are an optimisation of the order; a failed re-band is corrected by the next one.
  await rebalanceTeamQueue(deps, run.teamId).catch(() => undefined);
  return outcome;
}
