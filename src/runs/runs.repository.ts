import type { DbTx } from '../db/prisma-client.ts';
import type { Prisma, RunStatus } from '../generated/prisma/client.ts';
import type { PageCursor } from '../pagination/page-cursor.ts';

export const ACTIVE_RUN_STATUSES: RunStatus[] = ['queued', 'running'];

export function createRun(db: DbTx, data: Prisma.RunUncheckedCreateInput) {
  return db.run.create({ data });
}

/** A run of this team, or null: another team's run is indistinguishable from a missing one. */
export function findTeamRun(db: DbTx, teamId: string, runId: string) {
  return db.run.findFirst({ where: { id: runId, teamId } });
}

export function findRun(db: DbTx, runId: string) {
  return db.run.findUnique({ where: { id: runId } });
}

/** Newest first; `after` continues from a previous page's last item. */
export function listTeamRuns(db: DbTx, teamId: string, { limit, after, status }: { limit: number; after?: PageCursor; status?: RunStatus }) {
  return db.run.findMany({
    where: {
      teamId,
      ...(status && { status }),
      ...(after && { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
  });
}

export function updateRun(db: DbTx, runId: string, data: Prisma.RunUncheckedUpdateInput) {
  return db.run.update({ where: { id: runId }, data });
}

/** Changes status only if the run is still in one of `from`; returns whether it did. */
export async function transitionRun(db: DbTx, runId: string, from: RunStatus[], data: Prisma.RunUncheckedUpdateManyInput): Promise<boolean> {
  const { count } = await db.run.updateMany({ where: { id: runId, status: { in: from } }, data });
  return count === 1;
}

export function listEpochs(db: DbTx, runId: string) {
  return db.epochMetric.findMany({ where: { runId }, orderBy: { epoch: 'asc' } });
}

/** Idempotent: a resumed run that repeats an epoch overwrites it, so history holds each epoch once. */
export function upsertEpoch(db: DbTx, data: Prisma.EpochMetricUncheckedCreateInput) {
  return db.epochMetric.upsert({ where: { runId_epoch: { runId: data.runId, epoch: data.epoch } }, create: data, update: data });
}

/** A run resumed from the checkpoint of `epoch` trains the later epochs again: their old rows go. */
export function deleteEpochsAfter(db: DbTx, runId: string, epoch: number) {
  return db.epochMetric.deleteMany({ where: { runId, epoch: { gt: epoch } } });
}

/**
 * In training order: by epoch, a mid-epoch checkpoint (batch set) before the end-of-epoch one
 * of the same epoch (batch null), which comes after every batch.
 */
export function listCheckpoints(db: DbTx, runId: string, kind: 'all' | 'epoch-end' | 'mid-epoch' = 'all') {
  const batch = kind === 'epoch-end' ? { batch: null } : kind === 'mid-epoch' ? { batch: { not: null } } : {};
  return db.checkpoint.findMany({
    where: { runId, ...batch },
    orderBy: [{ epoch: 'asc' }, { batch: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }],
  });
}

/** The checkpoint a resumed run continues from: the furthest into training, mid-epoch or not. */
export function latestCheckpoint(db: DbTx, runId: string) {
  return db.checkpoint.findFirst({ where: { runId }, orderBy: [{ epoch: 'desc' }, { batch: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }] });
}

export function createCheckpoint(db: DbTx, data: Prisma.CheckpointUncheckedCreateInput) {
  return db.checkpoint.create({ data });
}

export function deleteCheckpoints(db: DbTx, ids: string[]) {
  return db.checkpoint.deleteMany({ where: { id: { in: ids } } });
}
