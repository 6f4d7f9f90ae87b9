import type { Experiment, Trial } from '../generated/prisma/client.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import type { Space } from './distribution.ts';
import type { SearcherConfig } from './experiment.schema.ts';

/** An experiment row with its JSON columns typed (they were validated when it was created). */
export interface ExperimentView {
  row: Experiment;
  base: RunSpec;
  space: Space;
  searcher: SearcherConfig;
  mode: 'min' | 'max';
}

export function viewOf(row: Experiment): ExperimentView {
  return { row, base: row.base as RunSpec, space: spaceOf(row), searcher: row.searcher as SearcherConfig, mode: row.metricMode === 'max' ? 'max' : 'min' };
}

/** Whether metric `a` beats `b` in this experiment's direction. */
export function better(mode: 'min' | 'max', a: number, b: number | null): boolean {
  return b === null || (mode === 'min' ? a < b : a > b);
}

/** The trials that take a place among maxConcurrentTrials: created or training (paused ones wait). */
export function isActive(t: Trial): boolean {
  return t.state === 'pending' || t.state === 'running';
}

/** The space in the order the user wrote its paths (stored as an array: see create-experiment.ts). */
export function spaceOf(row: Experiment): Space {
  return Object.fromEntries((row.space as { path: string; distribution: Space[string] }[]).map((e) => [e.path, e.distribution]));
}
