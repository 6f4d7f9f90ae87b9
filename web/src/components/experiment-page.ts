import { api } from '../api.ts';
import { number, shortId } from '../format.ts';
import { html } from '../html.ts';
import { useLoad } from '../hooks.ts';
import { link } from '../router.ts';
import { ParallelCoordinates } from './parallel-coordinates.ts';
import { StatusBadge } from './status-badge.ts';

const load = async (id: string) => ({ experiment: await api.experiment(id), trials: await api.trials(id) });

/** The trials of one search: their sampled values, rung (ASHA) and metric, the best highlighted. */
export function ExperimentPage({ id }: { id: string }) {
  const { value, error } = useLoad(() => load(id), [id]);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!value) return html`<p class="loading" role="status">Loading experiment…</p>`;
  const { experiment: e, trials } = value;
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.values)))];
  return html`<article data-testid="experiment-page">
    <h1>${e.name} <${StatusBadge} status=${e.status} /></h1>
    <p class="muted">${e.searcher.type} · ${e.metric.mode} ${e.metric.name} · best ${number(e.bestMetric)}</p>
    ${trials.length > 0 && html`<${ParallelCoordinates} trials=${trials} metricName=${e.metric.name} bestTrialId=${e.bestTrialId} />`}
    <div class="table-wrap"><table data-testid="trials">
      <thead><tr><th>trial</th><th>state</th><th>run</th>${keys.map((k) => html`<th class="mono">${k}</th>`)}<th>rung</th><th>rung metrics</th><th>${e.metric.name}</th></tr></thead>
      <tbody>${trials.map((t) => html`<tr key=${t.id} class=${t.id === e.bestTrialId ? 'best' : ''}>
        <td>${t.index}${t.id === e.bestTrialId ? ' ★' : ''}</td><td>${t.state}</td><td><a href=${link('runs', t.runId)} class="mono">${shortId(t.runId)}</a></td>
        ${keys.map((k) => html`<td>${String(t.values[k] ?? '–')}</td>`)}
        <td>${t.rung}</td><td>${t.rungMetrics.map((m) => number(m)).join(' → ') || '–'}</td><td>${number(t.metric)}</td>
      </tr>`)}</tbody>
    </table></div>
  </article>`;
}
