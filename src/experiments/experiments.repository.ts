import type { DbTx } from '../db/prisma-client.ts';
import type { ExperimentStatus, Prisma, RunStatus, Trial, TrialState } from '../generated/prisma/client.ts';

export function createExperiment(db: DbTx, data: Prisma.ExperimentUncheckedCreateInput) {
  return db.experiment.create({ data });
}

export function findTeamExperiment(db: DbTx, teamId: string, id: string) {
  return db.experiment.findFirst({ where: { id, teamId } });
}

export function listTeamExperiments(db: DbTx, teamId: string) {
  return db.experiment.findMany({ where: { teamId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 200 });
}

/** What the driver works on: every experiment still going. */
export function listRunningExperiments(db: DbTx) {
  return db.experiment.findMany({ where: { status: 'running' } });
}

export function updateExperiment(db: DbTx, id: string, data: Prisma.ExperimentUncheckedUpdateInput) {
  return db.experiment.update({ where: { id }, data });
}

/** Changes the status only from one of `from`; whether it did. */
export async function updateExperimentWhereStatus(db: DbTx, id: string, from: ExperimentStatus[], data: Prisma.ExperimentUncheckedUpdateManyInput) {
  return (await db.experiment.updateMany({ where: { id, status: { in: from } }, data })).count === 1;
}

export function deleteExperiment(db: DbTx, id: string) {
  return db.experiment.delete({ where: { id } });
}

export function listTrials(db: DbTx, experimentId: string) {
  return db.trial.findMany({ where: { experimentId }, orderBy: { index: 'asc' } });
}

/** Trial rows are unique on (experiment, index): a second driver creating the same trial fails here. */
export function createTrial(db: DbTx, data: Prisma.TrialUncheckedCreateInput) {
  return db.trial.create({ data });
}

export function updateTrial(db: DbTx, id: string, data: Prisma.TrialUncheckedUpdateInput) {
  return db.trial.update({ where: { id }, data });
}

export async function countTrialsByState(db: DbTx, experimentId: string): Promise<Record<TrialState, number>> {
  const rows = await db.trial.groupBy({ by: ['state'], where: { experimentId }, _count: { _all: true } });
  const counts: Record<TrialState, number> = { pending: 0, running: 0, paused: 0, completed: 0, failed: 0, canceled: 0 };
  for (const r of rows) counts[r.state] = r._count._all;
  return counts;
}

/** The runs of the experiment's trials, with what the driver reads of them. */
export function findTrialRuns(db: DbTx, runIds: string[]) {
  return db.run.findMany({ where: { id: { in: runIds } }, select: { id: true, teamId: true, status: true, currentEpoch: true, priority: true, pauseRequested: true, cancelRequested: true } });
}

/** The value of `metric` at `epoch` of a run (tfjs's names: val_loss...), or null. */
export async function metricAtEpoch(db: DbTx, runId: string, epoch: number, metric: string): Promise<number | null> {
  const row = await db.epochMetric.findUnique({ where: { runId_epoch: { runId, epoch } }, select: { metrics: true } });
  const value = (row?.metrics as Record<string, unknown> | undefined)?.[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The last epoch's `metric` of a run, or null. */
export async function lastMetric(db: DbTx, runId: string, metric: string): Promise<number | null> {
  const row = await db.epochMetric.findFirst({ where: { runId }, orderBy: { epoch: 'desc' }, select: { epoch: true } });
  return row ? metricAtEpoch(db, runId, row.epoch, metric) : null;
}

/** The experiment's trial runs still going (queued, running, paused): what cancel stops and delete waits for. */
export function listUnfinishedTrialRuns(db: DbTx, experimentId: string, statuses: RunStatus[]) {
  return db.run.findMany({ where: { experimentId, status: { in: statuses } }, select: { id: true } });
}

export function findTrial(db: DbTx, id: string) {
  return db.trial.findUnique({ where: { id } });
}

/**
 * Updates the trial only if it is still in the state and rung it was read in, and returns it,
 * or null when another pass changed it first: a change (and the event announcing it) happens once.
 */
export async function updateTrialFrom(db: DbTx, trial: Trial, data: Prisma.TrialUncheckedUpdateManyInput): Promise<Trial | null> {
  const { count } = await db.trial.updateMany({ where: { id: trial.id, state: trial.state, rung: trial.rung }, data });
  return count === 1 ? db.trial.findUnique({ where: { id: trial.id } }) : null;
}

/** Records the best trial unless it is already the one recorded; whether it changed. */
export async function recordBestTrial(db: DbTx, id: string, trialId: string, metric: number): Promise<boolean> {
  const differs = [{ bestTrialId: null }, { bestTrialId: { not: trialId } }, { bestMetric: null }, { bestMetric: { not: metric } }];
  return (await db.experiment.updateMany({ where: { id, OR: differs }, data: { bestTrialId: trialId, bestMetric: metric } })).count === 1;
}
