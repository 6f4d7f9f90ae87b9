import { api } from '../api.ts';
import { number, when } from '../format.ts';
import { html } from '../html.ts';
import { useLoad } from '../hooks.ts';
import { link } from '../router.ts';
import { StatusBadge } from './status-badge.ts';

export function ExperimentsPage() {
  const { value: experiments, error } = useLoad(() => api.experiments(), []);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!experiments) return html`<p class="loading" role="status">Loading experiments…</p>`;
  return html`<section data-testid="experiments-page">
    <h1>Experiments</h1>
    ${experiments.length === 0
      ? html`<p class="muted">No hyperparameter search yet: POST /v1/experiments starts one (README, Experiments).</p>`
      : html`<div class="table-wrap"><table>
          <thead><tr><th>name</th><th>status</th><th>searcher</th><th>metric</th><th>trials</th><th>best</th><th>created</th></tr></thead>
          <tbody>${experiments.map((e) => html`<tr key=${e.id}>
            <td><a href=${link('experiments', e.id)}>${e.name}</a></td><td><${StatusBadge} status=${e.status} /></td><td>${e.searcher.type}</td>
            <td>${e.metric.name} (${e.metric.mode})</td><td>${Object.values(e.trials).reduce((a, b) => a + b, 0)} / ${e.maxTrials}</td>
            <td>${number(e.bestMetric)}</td><td>${when(e.createdAt)}</td>
          </tr>`)}</tbody>
        </table></div>`}
  </section>`;
}
