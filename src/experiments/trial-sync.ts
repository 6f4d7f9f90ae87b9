import { AppError } from '../errors/app-error.ts';
import type { Trial } from '../generated/prisma/client.ts';
import { pauseRun } from '../runs/runs.service.ts';
import { isPromotable, rungEpochs, topRung, type AshaConfig } from './asha.searcher.ts';
import type { DriverDeps } from './driver-deps.ts';
import { lastMetric, metricAtEpoch, updateTrial } from './experiments.repository.ts';
import type { ExperimentView } from './experiment-view.ts';
import { finishTrial, transitionTrial, trialRef } from './trial-transition.ts';

interface TrialRun {
  id: string;
  status: string;
  currentEpoch: number;
}

/**
 * Brings a running trial up to date with its run, as PostgreSQL records it: a finished run
 * finishes the trial with its last metric; an ASHA trial that reached its rung reports there
 * and goes on (promoted) or is paused at its checkpoint. Each step reads state and writes its
 * outcome, so a repeated pass (a restarted driver) does nothing twice.
 */
export async function syncTrial(deps: DriverDeps, exp: ExperimentView, trial: Trial, run: TrialRun | undefined, all: Trial[]): Promise<Trial> {
  if (!run) return finishTrial(deps, trial, 'canceled');
  if (run.status === 'failed' || run.status === 'canceled') return finishTrial(deps, trial, run.status);
  if (exp.searcher.type === 'asha' && run.status !== 'completed') return syncAshaTrial(deps, exp, trial, run, all);
  if (run.status !== 'completed') return trial;
  const metric = await lastMetric(deps.db, run.id, exp.row.metricName);
  const rungs = exp.searcher.type === 'asha' ? await reachedRungs(deps, exp, exp.searcher, run) : null;
  return finishTrial(deps, trial, 'completed', { metric, ...(rungs && { rungMetrics: rungs, rung: Math.max(0, rungs.length - 1) }) });
}

/**
 * A run that finished before the driver saw it at its rung (epochs faster than a pass) still
 * reports at every rung it passed: each rung's metric is read at that rung's epoch.
 */
async function reachedRungs(deps: DriverDeps, exp: ExperimentView, asha: AshaConfig, run: TrialRun): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r <= topRung(asha) && rungEpochs(asha, r) <= run.currentEpoch; r++) {
    const m = await metricAtEpoch(deps.db, run.id, rungEpochs(asha, r), exp.row.metricName);
    if (m === null) break;
    out.push(m);
  }
  return out;
}

async function syncAshaTrial(deps: DriverDeps, exp: ExperimentView, trial: Trial, run: TrialRun, all: Trial[]): Promise<Trial> {
  if (exp.searcher.type !== 'asha') return trial;
  const asha = exp.searcher;
  if (trial.rung >= topRung(asha)) return trial; // the last rung ends with the run
  let current = trial;
  if (current.rungMetrics.length <= current.rung) {
    const metric = await metricAtEpoch(deps.db, run.id, rungEpochs(asha, current.rung), exp.row.metricName);
    if (metric === null) return current; // not there yet
    current = await updateTrial(deps.db, trial.id, { rungMetrics: [...current.rungMetrics, metric], metric });
  }
  const others = all.map((t) => (t.id === current.id ? current : t));
  if (isPromotable(asha, current, current.rung, others, exp.mode)) {
    return transitionTrial(deps, current, { rung: current.rung + 1 }, (t) => ({ type: 'trial_promoted', data: { ...trialRef(t), rung: t.rung } }));
  }
  await pauseTrialRun(deps, exp.row.teamId, run);
  return transitionTrial(deps, current, { state: 'paused' }, (t) => ({ type: 'trial_paused', data: { ...trialRef(t), rung: t.rung, metric: t.metric } }));
}

/** Pauses the run at its checkpoint; a run already paused or finished meanwhile is left as it is. */
export async function pauseTrialRun(deps: DriverDeps, teamId: string, run: { id: string; status: string }): Promise<void> {
  if (run.status !== 'queued' && run.status !== 'running') return;
  await pauseRun(deps, teamId, run.id).catch((err: unknown) => {
    if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err;
  });
}
