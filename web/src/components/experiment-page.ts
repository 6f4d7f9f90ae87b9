import { useLiveExperiment } from '../experiment-live.ts';
import { number, shortId } from '../format.ts';
import { html } from '../html.ts';
import { link } from '../router.ts';
import type { Experiment, Trial } from '../types.ts';
import { ExperimentControls } from './experiment-controls.ts';
import { ExperimentFeed } from './experiment-feed.ts';
import { ParallelCoordinates } from './parallel-coordinates.ts';
import { StatusBadge } from './status-badge.ts';

/** Counts by trial state, in the order a trial passes through them. */
const summary = (e: Experiment) =>
  Object.entries(e.trials)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`)
    .join(' · ');

function TrialsTable({ trials, experiment: e }: { trials: Trial[]; experiment: Experiment }) {
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.values)))];
  return html`<div class="table-wrap"><table data-testid="trials">
    <thead><tr><th>trial</th><th>state</th><th>run</th>${keys.map((k) => html`<th class="mono">${k}</th>`)}<th>rung</th><th>rung metrics</th><th>${e.metric.name}</th></tr></thead>
    <tbody>${trials.map((t) => html`<tr key=${t.id} data-trial-id=${t.id} data-state=${t.state} class=${t.id === e.bestTrialId ? 'best' : ''}>
      <td>${t.index}${t.id === e.bestTrialId ? ' ★' : ''}</td><td>${t.state}</td><td><a href=${link('runs', t.runId)} class="mono">${shortId(t.runId)}</a></td>
      ${keys.map((k) => html`<td>${String(t.values[k] ?? '–')}</td>`)}
      <td>${t.rung}</td><td>${t.rungMetrics.map((m) => number(m)).join(' → ') || '–'}</td><td>${number(t.metric)}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

/** A search as it goes on: its trials' sampled values, rung (ASHA) and metric, the best highlighted, and its events live. */
export function ExperimentPage({ id }: { id: string }) {
  const { experiment: e, trials, feed, state, error } = useLiveExperiment(id);
  if (error && !e) return html`<p class="error" role="alert">${error}</p>`;
  if (!e) return html`<p class="loading" role="status">Loading experiment…</p>`;
  return html`<article data-testid="experiment-page" data-status=${e.status} data-connection=${state} data-trials=${trials.length}>
    <h1>${e.name} <${StatusBadge} status=${e.status} /></h1>
    <p class="muted">${e.searcher.type} · ${e.metric.mode} ${e.metric.name} · best ${number(e.bestMetric)} · ${summary(e) || 'no trial yet'} of ${e.maxTrials}</p>
    <${ExperimentControls} experiment=${e} />
    ${trials.length > 0 && html`<${ParallelCoordinates} trials=${trials} metricName=${e.metric.name} bestTrialId=${e.bestTrialId} />`}
    <${TrialsTable} trials=${trials} experiment=${e} />
    <${ExperimentFeed} feed=${feed} />
  </article>`;
}
