import type { components } from '../../client/src/index.ts';
import { formatNumber } from '../output/format.ts';
import { formatTable } from '../output/table.ts';

export type Experiment = components['schemas']['Experiment'];
type Trial = components['schemas']['Trial'];

export function experimentLines(e: Experiment): string[] {
  const counts = Object.entries(e.trials).filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`).join(', ');
  return [
    `${e.id} ${e.name}: ${e.status}, trials ${counts || 'none yet'} (of ${e.maxTrials})`,
    `best: ${e.bestRunId ? `run ${e.bestRunId}, ${e.metric.name} ${formatNumber(e.bestMetric)}` : '-'}`,
  ];
}

/** One row per trial; the sampled values of every space path as columns. */
export function trialsTable(trials: Trial[]): string {
  const paths = [...new Set(trials.flatMap((t) => Object.keys(t.values)))];
  return formatTable(
    ['#', 'STATE', 'RUN', ...paths, 'RUNG', 'METRIC'],
    trials.map((t) => [String(t.index), t.state, t.runId, ...paths.map((p) => String(t.values[p] ?? '-')), String(t.rung), formatNumber(t.metric)]),
  );
}

export function experimentsTable(experiments: Experiment[]): string {
  return formatTable(
    ['ID', 'NAME', 'STATUS', 'SEARCHER', 'TRIALS', 'BEST'],
    experiments.map((e) => [e.id, e.name, e.status, e.searcher.type, String(Object.values(e.trials).reduce((a, b) => a + b, 0)), e.bestMetric === null ? '-' : `${e.metric.name} ${formatNumber(e.bestMetric)}`]),
  );
}
