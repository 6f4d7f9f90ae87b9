import type { DbTx } from '../db/prisma-client.ts';
import type { Prisma, RunStatus } from '../generated/prisma/client.ts';
import type { PageCursor } from '../pagination/page-cursor.ts';
import { afterCursor, NEWEST_FIRST } from '../pagination/keyset-page.ts';

export function createRun(db: DbTx, data: Prisma.RunUncheckedCreateInput) {
  return db.run.create({ data });
}

/** A run of this team, or null: another team's run is indistinguishable from a missing one. */
export function findTeamRun(db: DbTx, teamId: string, runId: string) {
  return db.run.findFirst({ where: { id: runId, teamId } });
}

/** The team's run with its training dataset, in one round trip (predict needs both on every call). */
export function findTeamRunWithDataset(db: DbTx, teamId: string, runId: string) {
  return db.run.findFirst({ where: { id: runId, teamId }, include: { dataset: true } });
}

export function findRun(db: DbTx, runId: string) {
  return db.run.findUnique({ where: { id: runId } });
}

/** Newest first; `after` continues from a previous page's last item. */
export function listTeamRuns(db: DbTx, teamId: string, { take, after, status }: { take: number; after?: PageCursor; status?: RunStatus }) {
  return db.run.findMany({
    where: {
      teamId,
      ...(status && { status }),
      ...afterCursor(after),
    },
    orderBy: NEWEST_FIRST,
    take,
  });
}

/** Writes columns other than the status, which changes only through run-state-machine.ts. */
export function updateRun(db: DbTx, runId: string, data: Omit<Prisma.RunUncheckedUpdateInput, 'status'>) {
  return db.run.update({ where: { id: runId }, data });
}

/** Updates the run only if it is still in one of `from`; returns whether it did (run-state-machine.ts). */
export async function updateRunWhereStatus(db: DbTx, runId: string, from: RunStatus[], data: Prisma.RunUncheckedUpdateManyInput): Promise<boolean> {
  const { count } = await db.run.updateMany({ where: { id: runId, status: { in: from } }, data });
  return count === 1;
}

export function deleteRun(db: DbTx, runId: string) {
  return db.run.delete({ where: { id: runId } });
}

export function countTeamRunsIn(db: DbTx, teamId: string, status: RunStatus) {
  return db.run.count({ where: { teamId, status } });
}

/** The team's queued runs in the order it wants them trained: user priority (higher first), then age. */
export function listTeamQueuedRuns(db: DbTx, teamId: string) {
  return db.run.findMany({
    where: { teamId, status: 'queued' },
    select: { id: true, priority: true },
    orderBy: [{ priority: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
  });
}

/** Every queued or running run of every team: what the queue must hold a job for. */
export function listQueuedOrRunningRuns(db: DbTx) {
  return db.run.findMany({ where: { status: { in: ['queued', 'running'] } }, select: { id: true, teamId: true, status: true, priority: true } });
}

/** Which of `runIds` a user asked to cancel or pause (the flags a worker polls). */
export function findStopRequests(db: DbTx, runIds: string[]) {
  return db.run.findMany({
    where: { id: { in: runIds }, OR: [{ cancelRequested: true }, { pauseRequested: true }] },
    select: { id: true, cancelRequested: true },
  });
}

/**
 * The team's unfinished transfer runs that start from this run's model or from one of
 * `checkpointIds` (its checkpoints): they need those files, so the run cannot go.
 */
export function findTransferRunsBasedOn(db: DbTx, teamId: string, runId: string, checkpointIds: string[], statuses: RunStatus[]) {
  return db.run.findMany({
    where: {
      teamId,
      status: { in: statuses },
      OR: [{ spec: { path: ['transfer', 'runId'], equals: runId } }, ...checkpointIds.map((id) => ({ spec: { path: ['transfer', 'checkpointId'], equals: id } }))],
    },
    select: { id: true },
  });
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

export async function listCheckpointIds(db: DbTx, runId: string): Promise<string[]> {
  return (await db.checkpoint.findMany({ where: { runId }, select: { id: true } })).map((c) => c.id);
}

/** One of the team's checkpoints (through its run), or null. */
export function findTeamCheckpoint(db: DbTx, teamId: string, checkpointId: string) {
  return db.checkpoint.findFirst({ where: { id: checkpointId, run: { teamId } }, select: { path: true, batch: true } });
}

export function createCheckpoint(db: DbTx, data: Prisma.CheckpointUncheckedCreateInput) {
  return db.checkpoint.create({ data });
}

export function deleteCheckpoints(db: DbTx, ids: string[]) {
  return db.checkpoint.deleteMany({ where: { id: { in: ids } } });
}
