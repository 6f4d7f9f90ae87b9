import type { Prisma, Trial } from '../generated/prisma/client.ts';
import type { ExperimentEventMap } from './experiment-event-map.ts';
import { changeWithEvent, type ExperimentEventDeps } from './experiment-event-publisher.ts';
import { findTrial, updateTrialFrom } from './experiments.repository.ts';

export const trialRef = (t: Trial) => ({ trialId: t.id, index: t.index, runId: t.runId });

type TrialEvent = {
  [K in 'trial_promoted' | 'trial_paused' | 'trial_completed']: { type: K; data: ExperimentEventMap[K] };
}['trial_promoted' | 'trial_paused' | 'trial_completed'];

/**
 * Moves a trial on (promoted, paused, finished) and records the event saying so, together and
 * once: if another pass moved the trial first, neither happens here and the trial as it is now
 * is returned.
 */
export async function transitionTrial(
  deps: ExperimentEventDeps,
  trial: Trial,
  data: Prisma.TrialUncheckedUpdateManyInput,
  eventOf: (updated: Trial) => TrialEvent,
): Promise<Trial> {
  const updated = await changeWithEvent(deps, trial.experimentId, (tx) => updateTrialFrom(tx, trial, data), (t) => (t ? eventOf(t) : null));
  return updated ?? (await findTrial(deps.db, trial.id)) ?? trial;
}

/** The trial's run finished (or vanished): the trial takes its outcome, announced as trial_completed. */
export function finishTrial(deps: ExperimentEventDeps, trial: Trial, state: 'completed' | 'failed' | 'canceled', data: Prisma.TrialUncheckedUpdateManyInput = {}) {
  return transitionTrial(deps, trial, { ...data, state }, (t) => ({ type: 'trial_completed', data: { ...trialRef(t), state, metric: t.metric } }));
}
