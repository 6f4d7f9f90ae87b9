/**
 * The experiment WebSocket protocol: every message is `{ seq, type, experimentId, at, ...data }`,
 * `seq` increasing by one per experiment from 1, replayable with `?since=` as a run's events are.
 */
export interface TrialRef {
  trialId: string;
  index: number;
  runId: string;
}

export interface ExperimentEventMap {
  /** A trial got its row and sampled values (its run follows at once, or when the team's queue has room). */
  trial_created: TrialRef & { values: Record<string, unknown> };
  /** ASHA: the trial goes on towards `rung` (at once, or resumed from its checkpoint). */
  trial_promoted: TrialRef & { rung: number };
  /** ASHA: the trial waits at its checkpoint at `rung`, not (yet) in the top 1/η. */
  trial_paused: TrialRef & { rung: number; metric: number | null };
  /** The trial's run finished: `state` completed, failed or canceled. */
  trial_completed: TrialRef & { state: 'completed' | 'failed' | 'canceled'; metric: number | null };
  /** A finished trial beat the previous best. */
  new_best: TrialRef & { metric: number };
  status: { status: 'running' | 'paused' | 'completed' | 'canceled' };
}

export type ExperimentEventType = keyof ExperimentEventMap;

export type ExperimentEvent<T extends ExperimentEventType = ExperimentEventType> = {
  [K in T]: { seq: number; type: K; experimentId: string; at: string } & ExperimentEventMap[K];
}[T];
