import type { Queue } from 'bullmq';
import type { DbTx } from '../db/prisma-client.ts';

/**
 * Fair share between teams on one queue, with BullMQ priorities (1 is served first).
 *
 * A run's priority is `band × 101 + (101 − user priority)`, where the band is its rank among
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
export const PRIORITY_BAND = 101;

/** BullMQ refuses priorities above 2^21; past ~20 000 runs ahead a team's runs share the last band. */
const MAX_BULL_PRIORITY = 2 ** 21;

/** The BullMQ priority of a run `rank` places behind its own team's, at user priority 0..100. */
export function bullPriority(rank: number, userPriority: number): number {
  return Math.min(MAX_BULL_PRIORITY, rank * PRIORITY_BAND + (PRIORITY_BAND - userPriority));
}

/** Each queued run of the team with its rank (see above), best first. */
export async function teamQueueRanks(db: DbTx, teamId: string): Promise<{ runId: string; priority: number; rank: number }[]> {
  const [running, queued] = await Promise.all([
    db.run.count({ where: { teamId, status: 'running' } }),
    db.run.findMany({
      where: { teamId, status: 'queued' },
      select: { id: true, priority: true },
      orderBy: [{ priority: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
    }),
  ]);
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
