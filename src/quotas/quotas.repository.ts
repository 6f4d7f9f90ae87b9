import type { DbTx } from '../db/prisma-client.ts';
import type { RunStatus } from '../generated/prisma/client.ts';

/** A team's limits; null means unlimited. */
export interface TeamQuota {
  maxRunningRuns: number | null;
  maxQueuedRuns: number | null;
  maxStoredBytes: bigint | null;
}

/**
 * Locks the team row until the transaction ends. Every quota check that is followed by a
 * write (a new run, a new dataset, a run starting) takes it first, so two concurrent requests
 * of one team cannot both pass a check that only one of them fits under.
 *
 * FOR NO KEY UPDATE, not FOR UPDATE: quota checkers still queue behind each other, but a
 * transaction that inserts a row referencing the team (an event, a run) takes a KEY SHARE
 * lock on it, which FOR UPDATE would block. With FOR UPDATE, a worker starting a run (team,
 * then run) and a cancel appending its event (run, then the team's key) deadlocked.
 */
export async function lockTeamQuota(tx: DbTx, teamId: string): Promise<TeamQuota | null> {
  const rows = await tx.$queryRaw<TeamQuota[]>`
    SELECT "maxRunningRuns", "maxQueuedRuns", "maxStoredBytes" FROM "Team" WHERE "id" = ${teamId} FOR NO KEY UPDATE`;
  return rows[0] ?? null;
}

/** The team's limits, without locking (for estimates; checks that guard a write lock). */
export function findTeamQuota(db: DbTx, teamId: string): Promise<TeamQuota | null> {
  return db.team.findUnique({ where: { id: teamId }, select: { maxRunningRuns: true, maxQueuedRuns: true, maxStoredBytes: true } });
}

export function countTeamRuns(db: DbTx, teamId: string, status: RunStatus, exceptRunId?: string): Promise<number> {
  return db.run.count({ where: { teamId, status, ...(exceptRunId ? { id: { not: exceptRunId } } : {}) } });
}

/** Bytes the team keeps in storage: its datasets' files plus its uploaded base models. */
export async function teamStoredBytes(db: DbTx, teamId: string): Promise<bigint> {
  const [datasets, baseModels] = await Promise.all([
    db.dataset.aggregate({ where: { teamId }, _sum: { bytes: true } }),
    db.baseModel.aggregate({ where: { teamId }, _sum: { bytes: true } }),
  ]);
  return (datasets._sum.bytes ?? 0n) + (baseModels._sum.bytes ?? 0n);
}

export function findTeamByName(db: DbTx, name: string) {
  return db.team.findUnique({ where: { name } });
}

/** Sets the given limits (undefined leaves one as it is, null removes it). */
export function setTeamQuota(db: DbTx, teamId: string, quota: Partial<TeamQuota>) {
  return db.team.update({ where: { id: teamId }, data: quota });
}

export function findTeamOrThrow(db: DbTx, teamId: string) {
  return db.team.findUniqueOrThrow({ where: { id: teamId } });
}
