import type { Experiment, Trial } from '../generated/prisma/client.ts';
import { AppError } from '../errors/app-error.ts';
import { continueRun, resumeRun } from '../runs/runs.service.ts';
import { isPromotable, lastRungWithin } from './asha.searcher.ts';
import type { DriverDeps } from './driver-deps.ts';
import { findTrialRuns, listTrials, recordBestTrial, updateExperimentWhereStatus } from './experiments.repository.ts';
import { better, isActive, viewOf, type ExperimentView } from './experiment-view.ts';
import { ensureTrialRun, launchTrial } from './trial-launch.ts';
import { trainToMaxEpochs } from './trial-epochs.ts';
import { syncTrial } from './trial-sync.ts';
import { changeWithEvent } from './experiment-event-publisher.ts';
import { transitionTrial, trialRef } from './trial-transition.ts';
import { trialValuesAt } from './searcher.ts';

/**
 * One pass over one running experiment, reading everything from PostgreSQL: trials catch up
 * with their runs, pending trials get their runs, ASHA promotes paused trials that became
 * promotable, new trials fill the free places up to maxConcurrentTrials, the best trial is
 * (finished) trial is recorded, and an experiment with nothing left to do completes.
 */
export async function driveExperiment(deps: DriverDeps, row: Experiment): Promise<void> {
  const exp = viewOf(row);
  let trials = await syncTrials(deps, exp, await listTrials(deps.db, row.id));
  for (const t of trials.filter((t) => t.state === 'pending')) await ensureTrialRun(deps, exp, t);
  trials = await listTrials(deps.db, row.id);
  let free = row.maxConcurrentTrials - trials.filter(isActive).length;
  free -= await promotePaused(deps, exp, trials, free);
  let next = trials.length;
  while (free > 0 && next < row.maxTrials && (await launchTrial(deps, exp, next))) next++, free--;
  trials = await listTrials(deps.db, row.id);
  await recordBest(deps, exp, trials);
  const exhausted = next >= row.maxTrials || !hasMoreValues(exp, next);
  if (exhausted && !trials.some(isActive) && !trials.some((t) => promotableNow(exp, t, trials))) {
    if (await promoteToFinish(deps, exp, trials)) return;
    await changeWithEvent(
      deps,
      row.id,
      (tx) => updateExperimentWhereStatus(tx, row.id, ['running'], { status: 'completed', finishedAt: new Date() }),
      (changed) => (changed ? { type: 'status', data: { status: 'completed' } } : null),
    );
  }
}

async function syncTrials(deps: DriverDeps, exp: ExperimentView, trials: Trial[]): Promise<Trial[]> {
  const watched = trials.filter((t) => t.state === 'running' || t.state === 'paused');
  const runs = new Map((await findTrialRuns(deps.db, watched.map((t) => t.runId))).map((r) => [r.id, r]));
  const out = [...trials];
  for (const t of watched) {
    const run = runs.get(t.runId);
    // A waiting trial changes only if its run ended meanwhile (its pause came after its last epoch, or a user stopped it).
    if (t.state === 'paused' && run && !['completed', 'failed', 'canceled'].includes(run.status)) continue;
    out[out.indexOf(t)] = await syncTrial(deps, exp, t, run, out);
  }
  return out;
}

/** ASHA: resumes paused trials now in the top 1/η of their rung, at most `free` of them; returns how many. */
async function promotePaused(deps: DriverDeps, exp: ExperimentView, trials: Trial[], free: number): Promise<number> {
  let promoted = 0;
  const runs = new Map((await findTrialRuns(deps.db, trials.filter((t) => t.state === 'paused').map((t) => t.runId))).map((r) => [r.id, r]));
  for (const t of trials) {
    if (promoted >= free || !promotableNow(exp, t, trials) || runs.get(t.runId)?.status !== 'paused') continue;
    if (await promoteTrial(deps, exp, t, resumeRun)) promoted++;
  }
  return promoted;
}

/**
 * ASHA with a finite budget: once no new trial can come and every trial waits at a rung, no
 * result will ever make another one promotable. So that the search still ends with one fully
 * trained model, the best trial of the highest rung is trained on to the end. After an extend
 * raised maxEpochs, a trial that completed at the old end waits at its rung too, and is
 * continued from its last checkpoint when it is that best. True if one was resumed or continued.
 */
async function promoteToFinish(deps: DriverDeps, exp: ExperimentView, trials: Trial[]): Promise<boolean> {
  if (exp.searcher.type !== 'asha') return false;
  const asha = exp.searcher;
  const runs = new Map((await findTrialRuns(deps.db, trials.filter((t) => t.state === 'paused' || t.state === 'completed').map((t) => t.runId))).map((r) => [r.id, r]));
  const trainedShort = (t: Trial) => t.state === 'completed' && (runs.get(t.runId)?.currentEpoch ?? asha.maxEpochs) < asha.maxEpochs;
  if (trials.some((t) => t.state === 'completed' && !trainedShort(t))) return false;
  // The rung each waits at: a paused trial's own; a short-trained one's is the last rung of the
  // extended ladder it trained through (its rung metrics below that are the same epochs').
  const waitingAt = (t: Trial) => (t.state === 'paused' ? t.rung : lastRungWithin(asha, runs.get(t.runId)!.currentEpoch));
  const waiting = trials.filter((t) => (t.state === 'paused' || trainedShort(t)) && t.rungMetrics.length > waitingAt(t));
  const top = Math.max(-1, ...waiting.map(waitingAt));
  const best = waiting.filter((t) => waitingAt(t) === top).sort((a, b) => (better(exp.mode, a.rungMetrics[top]!, b.rungMetrics[top]!) ? -1 : 1))[0];
  const run = best && runs.get(best.runId);
  if (!best || !run) return false;
  // Still stopping at its rung: wait for the pause to land, then resume it.
  if (run.status === 'running' || run.status === 'queued') return true;
  if (run.status === 'completed') return promoteTrial(deps, exp, best, continueRun, top);
  return run.status === 'paused' ? promoteTrial(deps, exp, best, resumeRun) : false;
}

/**
 * Trains a waiting trial on from `fromRung` (its own by default) to maxEpochs as it is now:
 * its run resumed (paused) or continued (completed). Rung metrics past `fromRung` were read on
 * an older ladder and are dropped, to be read again at the new rungs' epochs.
 */
async function promoteTrial(deps: DriverDeps, exp: ExperimentView, t: Trial, requeue: typeof resumeRun, fromRung = t.rung): Promise<boolean> {
  await trainToMaxEpochs(deps, exp.searcher, t.runId);
  const requeued = await requeue(deps, exp.row.teamId, t.runId).then(
    () => true,
    (err: unknown) => (err instanceof AppError && (err.code === 'CONFLICT' || err.code === 'QUOTA_EXCEEDED') ? false : Promise.reject(err)),
  );
  const next = { state: 'running' as const, rung: fromRung + 1, rungMetrics: t.rungMetrics.slice(0, fromRung + 1) };
  if (requeued) await transitionTrial(deps, t, next, (u) => ({ type: 'trial_promoted', data: { ...trialRef(u), rung: u.rung } }));
  return requeued;
}

function promotableNow(exp: ExperimentView, t: Trial, trials: Trial[]): boolean {
  if (exp.searcher.type !== 'asha' || t.state !== 'paused' || t.rungMetrics.length <= t.rung) return false;
  return isPromotable(exp.searcher, t, t.rung, trials, exp.mode);
}

async function recordBest(deps: DriverDeps, exp: ExperimentView, trials: Trial[]) {
  // The best trial trained on after an extend stays the best until it completes again.
  if (trials.some((t) => t.id === exp.row.bestTrialId && t.state === 'running')) return;
  let best: Trial | null = null;
  // Only a finished trial has a trained model to serve; an ASHA trial paused early does not.
  for (const t of trials) if (t.state === 'completed' && t.metric !== null && better(exp.mode, t.metric, best?.metric ?? null)) best = t;
  if (best?.metric != null && (best.id !== exp.row.bestTrialId || best.metric !== exp.row.bestMetric)) {
    const metric = best.metric;
    const ref = trialRef(best);
    // A new best is announced when it changes; the same trial re-read (a restarted pass) is not.
    await changeWithEvent(
      deps,
      exp.row.id,
      (tx) => recordBestTrial(tx, exp.row.id, ref.trialId, metric),
      (changed) => (changed ? { type: 'new_best', data: { ...ref, metric } } : null),
    );
  }
}

function hasMoreValues(exp: ExperimentView, index: number): boolean {
  return trialValuesAt(exp.space, exp.searcher, exp.row.seed, index) !== null;
}
