import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { shortId } from '../format.ts';
import { html } from '../html.ts';
import { useLoad } from '../hooks.ts';
import { link } from '../router.ts';
import { epochFromRow, metricNames } from '../run-metrics.ts';
import { differingPaths } from '../spec-diff.ts';
import type { Metrics, Run } from '../types.ts';
import { CurveChart } from './curve-chart.ts';

interface Loaded {
  run: Run;
  epochs: { epoch: number; metrics: Metrics }[];
}

const loadAll = (ids: string[]): Promise<Loaded[]> =>
  Promise.all(ids.map(async (id) => ({ run: await api.run(id), epochs: (await api.runMetrics(id)).map(epochFromRow) })));

/** Several runs' curves of one metric on one chart, and the hyperparameters that differ between them. */
export function ComparePage({ ids }: { ids: string[] }) {
  const { value: runs, error } = useLoad(() => loadAll(ids), [ids.join(',')]);
  const [metric, setMetric] = useState('val_loss');
  if (ids.length < 2) return html`<section><h1>Compare</h1><p>Tick two or more runs in the <a href=${link('runs')}>runs table</a>, then press Compare.</p></section>`;
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!runs) return html`<p class="loading" role="status">Loading runs…</p>`;

  const names = metricNames(runs.flatMap((r) => r.epochs));
  const shown = names.includes(metric) ? metric : (names[0] ?? 'loss');
  const xs = [...new Set(runs.flatMap((r) => r.epochs.map((e) => e.epoch)))].sort((a, b) => a - b);
  const curves = runs.map((r) => {
    const byEpoch = new Map(r.epochs.map((e) => [e.epoch, e.metrics[shown]]));
    return { label: shortId(r.run.id), values: xs.map((x) => byEpoch.get(x) ?? null) };
  });
  const diffs = differingPaths(runs.map((r) => r.run.spec));

  return html`<section data-testid="compare-page">
    <h1>Compare ${runs.length} runs</h1>
    <label>Metric <select value=${shown} onChange=${(e: Event) => setMetric((e.target as HTMLSelectElement).value)}>${names.map((n) => html`<option value=${n}>${n}</option>`)}</select></label>
    <${CurveChart} title=${shown} yLabel=${shown} xs=${xs} curves=${curves} />
    <h2>Differing hyperparameters</h2>
    ${diffs.length === 0
      ? html`<p class="muted">The specs are identical.</p>`
      : html`<div class="table-wrap"><table data-testid="spec-diff">
          <thead><tr><th>setting</th>${runs.map((r) => html`<th><a href=${link('runs', r.run.id)} class="mono">${shortId(r.run.id)}</a></th>`)}</tr></thead>
          <tbody>${diffs.map((d) => html`<tr><td class="mono">${d.path}</td>${d.values.map((v) => html`<td class="mono">${v ?? '–'}</td>`)}</tr>`)}</tbody>
        </table></div>`}
  </section>`;
}
