import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { publishRunEvent, type EventPublisherDeps } from '../src/events/event-publisher.ts';
import { queueRun } from '../src/runs/queue-run.ts';
import { listQueuedOrRunningRuns } from '../src/runs/runs.repository.ts';
import type { RunLeases } from './run-lease.ts';
import { ownedRuns } from './run-leases.repository.ts';

export interface ReconcilerDeps extends EventPublisherDeps {
  queue: Queue;
  leases: RunLeases;
  log: Logger;
}

export interface ReconcileResult {
  /** Queued and running runs PostgreSQL holds. */
  checked: number;
  /** Runs whose job the queue had lost (or finished while the run was still active), added again. */
  requeued: string[];
}

/**
 * PostgreSQL is the source of truth, Redis only carries the queue: if Redis lost its data
 * (a restart without persistence, a FLUSHDB) or a job was lost on the way, every run that
 * PostgreSQL says is queued, or running with no live worker owning it, gets its job back.
 * A running run whose worker is alive (it holds the run's lease) is left alone: that worker
 * finishes it. Adding is idempotent (job id = run id), and one reconciler runs at a time
 * across all workers (an advisory lock); returns null when another one was running.
 */
export async function reconcileRuns(deps: ReconcilerDeps): Promise<ReconcileResult | null> {
  return deps.leases.exclusive(async () => {
    const runs = await listQueuedOrRunningRuns(deps.db);
    const owned = await ownedRuns(deps.db, runs.filter((r) => r.status === 'running').map((r) => r.id));
    const requeued: string[] = [];
    for (const run of runs) {
      if (run.status === 'running' && owned.has(run.id)) continue;
      // In its fair-share band, as a new run would be: not ahead of its own team's other runs.
      if ((await queueRun(deps, run)) !== 'added') continue;
      requeued.push(run.id);
      await publishRunEvent(deps, {
        runId: run.id,
        teamId: run.teamId,
        type: 'log',
        data: { level: 'warn', message: 'the queue had lost this run (was Redis flushed or restarted?); queued it again from PostgreSQL' },
      }).catch((err: Error) => deps.log.warn({ err, runId: run.id }, 'could not record the re-queue event'));
    }
    if (requeued.length) deps.log.warn({ runIds: requeued }, `re-queued ${requeued.length} run(s) the queue had lost`);
    return { checked: runs.length, requeued };
  });
}
