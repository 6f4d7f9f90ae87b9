import { DelayedError, type Job } from 'bullmq';
import type { Prisma } from '../src/generated/prisma/client.ts';
import { hasRunningSlot } from '../src/quotas/quota-guard.ts';

/** How long a run whose team is at its running-runs limit waits before a worker looks again. */
export const RUNNING_LIMIT_RECHECK_MS = 3000;

class RunningLimitReached extends Error {
  override name = 'RunningLimitReached';
}

/**
 * The admission check `RunRecorder.start` runs inside the transaction that marks a queued run
 * running: with the team row locked, the team's running runs must be under `maxRunningRuns`,
 * so two workers cannot both start the team's last allowed run. A run already `running`
 * (taken over from a dead worker, resumed) holds its slot and is not checked.
 */
export function admitUnderRunningLimit(run: { id: string; teamId: string; status: string }) {
  if (run.status !== 'queued') return undefined;
  return async (tx: Prisma.TransactionClient) => {
    if (!(await hasRunningSlot(tx, run.teamId, run.id))) throw new RunningLimitReached(`team ${run.teamId} is at its running-runs limit`);
  };
}

/**
 * Turns a refused admission into a delay: the job goes to BullMQ's delayed set and comes back
 * in {@link RUNNING_LIMIT_RECHECK_MS}. `DelayedError` tells BullMQ this is not a failure, so no
 * attempt is used, and the worker slot is free at once for another team's run.
 */
export function deferAtRunningLimit(job: Job, token: string | undefined) {
  return async (err: unknown): Promise<never> => {
    if (!(err instanceof RunningLimitReached)) throw err;
    await job.moveToDelayed(Date.now() + RUNNING_LIMIT_RECHECK_MS, token);
    throw new DelayedError();
  };
}
