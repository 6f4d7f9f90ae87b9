import { isUuid } from '../db/is-uuid.ts';
import type { DbTx } from '../db/prisma-client.ts';
import { inTransaction } from '../db/transaction.ts';
import { AppError, notFound } from '../errors/app-error.ts';
import type { Experiment, ExperimentStatus, TrialState } from '../generated/prisma/client.ts';
import { changeWithEvent } from './experiment-event-publisher.ts';
import { cancelRun, resumeRun } from '../runs/runs.service.ts';
import { UNFINISHED_STATUSES } from '../runs/run-state-machine.ts';
import type { DriverDeps } from './driver-deps.ts';
import { deleteExperiment as deleteRow, findTeamExperiment, listUnfinishedTrialRuns, findTrialRuns, listTrials, updateExperiment, updateExperimentWhereStatus } from './experiments.repository.ts';
import { pauseTrialRun } from './trial-sync.ts';
import { trainToMaxEpochs } from './trial-epochs.ts';
import { finishTrial } from './trial-transition.ts';
import type { SearcherConfig } from './experiment.schema.ts';

const OPEN_TRIAL_STATES: TrialState[] = ['pending', 'running', 'paused'];

export async function teamExperimentOr404(deps: { db: DbTx }, teamId: string, id: string): Promise<Experiment> {
  const exp = isUuid(id) ? await findTeamExperiment(deps.db, teamId, id) : null;
  if (!exp) throw notFound('experiment');
  return exp;
}

/**
 * Stops the experiment for good: its unfinished trials' runs are canceled (their checkpoints
 * kept) and each open trial ends canceled with its trial_completed event, so the stream still
 * tells every trial's end once.
 */
export async function cancelExperiment(deps: DriverDeps, teamId: string, id: string) {
  const exp = await teamExperimentOr404(deps, teamId, id);
  if (!(await changeStatus(deps, id, ['running', 'paused'], { status: 'canceled', finishedAt: new Date() }))) {
    throw new AppError('CONFLICT', `experiment is already ${exp.status}`, { status: exp.status });
  }
  for (const run of await unfinishedRuns(deps, id)) await cancelRun(deps, teamId, run.id).catch(ignoreConflict);
  await cancelOpenTrials(deps, id);
  return teamExperimentOr404(deps, teamId, id);
}

/** Pauses every training trial at its checkpoint and stops creating new ones; resume continues them. */
export async function pauseExperiment(deps: DriverDeps, teamId: string, id: string) {
  const exp = await teamExperimentOr404(deps, teamId, id);
  if (!(await changeStatus(deps, id, ['running'], { status: 'paused' }))) {
    throw new AppError('CONFLICT', `only a running experiment can be paused; this one is ${exp.status}`, { status: exp.status });
  }
  const training = (await listTrials(deps.db, id)).filter((t) => t.state === 'running').map((t) => t.runId);
  for (const run of await findTrialRuns(deps.db, training)) await pauseTrialRun(deps, teamId, run);
  return teamExperimentOr404(deps, teamId, id);
}

/** Resumes the runs of the trials the pause stopped, to maxEpochs as it is now (ASHA trials waiting at a rung stay paused). */
export async function resumeExperiment(deps: DriverDeps, teamId: string, id: string) {
  const exp = await teamExperimentOr404(deps, teamId, id);
  if (!(await changeStatus(deps, id, ['paused'], { status: 'running' }))) {
    throw new AppError('CONFLICT', `only a paused experiment can be resumed; this one is ${exp.status}`, { status: exp.status });
  }
  const training = (await listTrials(deps.db, id)).filter((t) => t.state === 'running').map((t) => t.runId);
  for (const run of await findTrialRuns(deps.db, training)) {
    if (run.status !== 'paused') continue;
    await trainToMaxEpochs(deps, exp.searcher as SearcherConfig, run.id);
    await resumeRun(deps, teamId, run.id).catch(ignoreConflict);
  }
  return teamExperimentOr404(deps, teamId, id);
}

/**
 * More trials, or (ASHA) a higher maxEpochs: a completed experiment runs again from where it
 * stopped, its finished trials kept and counted. A canceled one cannot be extended.
 */
export async function extendExperiment(deps: DriverDeps, teamId: string, id: string, body: { maxTrials?: number; maxEpochs?: number }) {
  const exp = await teamExperimentOr404(deps, teamId, id);
  if (exp.status === 'canceled') throw new AppError('CONFLICT', 'a canceled experiment cannot be extended', { status: exp.status });
  const searcher = exp.searcher as { type: string; maxEpochs?: number };
  if (body.maxEpochs !== undefined && searcher.type !== 'asha') throw new AppError('VALIDATION_FAILED', 'maxEpochs extends only an asha searcher', { path: 'maxEpochs' });
  if (body.maxTrials !== undefined && body.maxTrials < exp.maxTrials) throw new AppError('VALIDATION_FAILED', `maxTrials cannot shrink below ${exp.maxTrials}`, { path: 'maxTrials' });
  if (body.maxEpochs !== undefined && body.maxEpochs < (searcher.maxEpochs ?? 0)) throw new AppError('VALIDATION_FAILED', `maxEpochs cannot shrink below ${searcher.maxEpochs}`, { path: 'maxEpochs' });
  const reopens = exp.status === 'completed';
  await changeWithEvent(
    deps,
    id,
    (tx) =>
      updateExperiment(tx, id, {
        ...(body.maxTrials !== undefined && { maxTrials: body.maxTrials }),
        ...(body.maxEpochs !== undefined && { searcher: { ...searcher, maxEpochs: body.maxEpochs } }),
        ...(reopens && { status: 'running', finishedAt: null }),
      }),
    () => (reopens ? { type: 'status', data: { status: 'running' } } : null),
  );
  return teamExperimentOr404(deps, teamId, id);
}

/** Deletes the experiment; its trials' runs stay, untagged. 409 while any of them is unfinished. */
export async function deleteExperiment(deps: DriverDeps, teamId: string, id: string): Promise<void> {
  await inTransaction(deps.db, async (tx) => {
    const exp = await teamExperimentOr404({ db: tx }, teamId, id);
    const active = (await listUnfinishedTrialRuns(tx, id, UNFINISHED_STATUSES)).length;
    if (active > 0 || exp.status === 'running') {
      throw new AppError('CONFLICT', `experiment has ${active} unfinished trial run(s)${exp.status === 'running' ? ' and is running' : ''}; cancel it first`, { status: exp.status, unfinishedRuns: active });
    }
    await deleteRow(tx, id);
  });
}

/** Each open trial ends canceled with its event; one a driver pass moved meanwhile is read again and ended too. */
async function cancelOpenTrials(deps: DriverDeps, experimentId: string) {
  for (;;) {
    const open = (await listTrials(deps.db, experimentId)).filter((t) => OPEN_TRIAL_STATES.includes(t.state));
    if (open.length === 0) return;
    for (const trial of open) await finishTrial(deps, trial, 'canceled');
  }
}

function unfinishedRuns(deps: DriverDeps, experimentId: string) {
  return listUnfinishedTrialRuns(deps.db, experimentId, UNFINISHED_STATUSES);
}

/** A status change with its `status` event, recorded together; whether the experiment was in one of `from`. */
function changeStatus(deps: DriverDeps, id: string, from: ExperimentStatus[], data: { status: ExperimentStatus; finishedAt?: Date | null }) {
  return changeWithEvent(
    deps,
    id,
    (tx) => updateExperimentWhereStatus(tx, id, from, data),
    (changed) => (changed ? { type: 'status', data: { status: data.status } } : null),
  );
}

function ignoreConflict(err: unknown) {
  if (!(err instanceof AppError && (err.code === 'CONFLICT' || err.code === 'QUOTA_EXCEEDED'))) throw err;
}
