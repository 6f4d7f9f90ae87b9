import type { Queue } from 'bullmq';
import type { DbTx } from '../db/prisma-client.ts';
import { bullPriority } from '../jobs/job-priority.ts';
import { countTeamRunsIn, listTeamQueuedRuns } from './runs.repository.ts';

/**
 * Fair share between teams on one queue, with BullMQ priorities (1 is served first).
 *
 * A run's BullMQ priority is `band × 101 + (101 − user priority)` (src/jobs/job-priority.ts), where the band is its rank among
 * its team's active runs: the team's running runs count first, then its queued runs ordered
 * by user priority (0..100, higher first), then age. So every team's next run sits in the
 * band of "how many runs this team already has ahead of it", and a team with a long backlog
 * cannot keep another team waiting: the other team's first run lands in band 0 (or band
 * `running` when it has runs going) and is taken at the next free worker slot. Within a team,
 * user priority orders runs; across teams in one band, user priority and then age decide.
 *
 * Bands are kept current (`rebalanceTeamQueue`) whenever a team's set of active runs changes:
 * on submit, when a run starts or ends, when a queued run is canceled. Without that, a team
 * whose backlog was ranked long ago would keep its high bands while another team kept
 * submitting into low ones, and could wait forever. Rebalancing reads PostgreSQL, the source
 * of truth, and is idempotent: two racing rebalances leave at worst a briefly stale band that
 * the next one corrects.
 */
/** Each queued run of the team with its rank (see above), best first. */
export async function teamQueueRanks(db: DbTx, teamId: string): Promise<{ runId: string; priority: number; rank: number }[]> {
  const [running, queued] = await Promise.all([countTeamRunsIn(db, teamId, 'running'), listTeamQueuedRuns(db, teamId)]);
  return queued.map((run, i) => ({ runId: run.id, priority: run.priority, rank: running + i }));
}

/** Moves each of the team's waiting jobs to the band its rank gives it now; returns how many moved. */
export async function rebalanceTeamQueue(deps: { db: DbTx; queue: Queue }, teamId: string): Promise<number> {
  let moved = 0;
  for (const { runId, priority, rank } of await teamQueueRanks(deps.db, teamId)) {
    const job = await deps.queue.getJob(runId);
    const target = bullPriority(rank, priority);
    if (!job || job.priority === target) continue;
    // A job a worker took meanwhile is no longer waiting; its new priority would only matter on a retry.
    await job.changePriority({ priority: target }).then(
      () => moved++,
      () => undefined,
    );
  }
  return moved;
}
