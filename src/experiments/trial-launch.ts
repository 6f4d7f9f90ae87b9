import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.ts';
import type { Trial } from '../generated/prisma/client.ts';
import { queueRun } from '../runs/queue-run.ts';
import { findRun } from '../runs/runs.repository.ts';
import { createQueuedRun } from '../runs/submit-run.ts';
import type { DriverDeps } from './driver-deps.ts';
import { createTrial, updateTrial } from './experiments.repository.ts';
import type { ExperimentView } from './experiment-view.ts';
import { trialValuesAt } from './searcher.ts';
import { trialSpec } from './trial-spec.ts';
import { changeWithEvent } from './experiment-event-publisher.ts';
import { trialRef } from './trial-transition.ts';

/**
 * Creates trial `index`: first its row, with the run id it will have, then the run. A driver
 * stopped between the two finds the trial pending and creates that same run (see
 * {@link ensureTrialRun}); the unique (experiment, index) keeps a second driver from creating
 * the trial again. False when the searcher has nothing more to propose.
 */
export async function launchTrial(deps: DriverDeps, exp: ExperimentView, index: number): Promise<boolean> {
  const values = trialValuesAt(exp.space, exp.searcher, exp.row.seed, index);
  if (!values) return false;
  const trial = await changeWithEvent(
    deps,
    exp.row.id,
    (tx) => createTrial(tx, { experimentId: exp.row.id, index, runId: randomUUID(), values, state: 'pending' }),
    (t) => ({ type: 'trial_created', data: { ...trialRef(t), values: t.values as Record<string, unknown> } }),
  );
  await ensureTrialRun(deps, exp, trial);
  return true;
}

/**
 * A pending trial gets its run (unless it has it already) and its queue job. A team at its
 * queued-runs limit leaves it pending for the next pass: trials wait in line like any run.
 */
export async function ensureTrialRun(deps: DriverDeps, exp: ExperimentView, trial: Trial): Promise<void> {
  let run = await findRun(deps.db, trial.runId);
  if (!run) {
    const spec = trialSpec(exp.base, trial.values as Record<string, number>, exp.searcher, exp.row.seed, trial.index);
    try {
      run = await createQueuedRun(deps, exp.row.teamId, spec, { id: trial.runId, experimentId: exp.row.id });
    } catch (err) {
      if (err instanceof AppError && err.code === 'QUOTA_EXCEEDED') return;
      if (err instanceof AppError && err.statusCode === 400) return void (await updateTrial(deps.db, trial.id, { state: 'failed' }));
      throw err;
    }
  }
  if (run.status === 'queued') await queueRun({ db: deps.db, queue: deps.queues.train }, run);
  await updateTrial(deps.db, trial.id, { state: 'running' });
}
