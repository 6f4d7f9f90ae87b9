import { number } from '../format.ts';
import { html } from '../html.ts';
import type { Dataset, DatasetPreview } from '../types.ts';
import { SampleImage } from './sample-image.ts';

function ClassCounts({ counts }: { counts: { name: string; count: number }[] }) {
  const most = Math.max(1, ...counts.map((c) => c.count));
  return html`<table class="class-counts" data-testid="class-counts">
    <thead><tr><th>class</th><th>samples</th></tr></thead>
    <tbody>${counts.map((c) => html`<tr><td>${c.name}</td><td><meter min="0" max=${most} value=${c.count}></meter> ${c.count}</td></tr>`)}</tbody>
  </table>`;
}

function ColumnStats({ columns, rows }: { columns: NonNullable<DatasetPreview['columns']>; rows: number }) {
  return html`<p class="muted">Over the first ${rows} rows, in uploaded units.</p>
    <div class="table-wrap"><table data-testid="column-stats">
      <thead><tr><th>column</th><th>min</th><th>max</th><th>mean</th><th>std</th></tr></thead>
      <tbody>${columns.map((c) => html`<tr><td>${c.index}</td><td>${number(c.min)}</td><td>${number(c.max)}</td><td>${number(c.mean)}</td><td>${number(c.std)}</td></tr>`)}</tbody>
    </table></div>`;
}

const targetLabel = (d: Dataset, target: number[]) => (d.task === 'classification' ? (d.classNames[target[0]] ?? String(target[0])) : target.map((v) => number(v)).join(', '));

function Samples({ dataset: d, samples }: { dataset: Dataset; samples: DatasetPreview['samples'] }) {
  if (d.inputShape.length === 3)
    return html`<div class="samples" data-testid="sample-grid">${samples.map((s) => html`<${SampleImage} key=${s.index} features=${s.features} shape=${d.inputShape} label=${targetLabel(d, s.target)} />`)}</div>`;
  return html`<div class="table-wrap"><table data-testid="sample-rows">
    <thead><tr><th>row</th><th>features</th><th>target</th></tr></thead>
    <tbody>${samples.map((s) => html`<tr><td>${s.index}</td><td class="mono">${s.features.map((v) => number(v)).join(', ')}</td><td>${targetLabel(d, s.target)}</td></tr>`)}</tbody>
  </table></div>`;
}

/** Class balance, column statistics and samples, from GET /v1/datasets/:id/preview. */
export function DatasetDetails({ dataset, preview }: { dataset: Dataset; preview: DatasetPreview }) {
  return html`
    ${preview.classCounts && html`<h2>Classes</h2><${ClassCounts} counts=${preview.classCounts} />`}
    ${preview.columns && html`<h2>Columns</h2><${ColumnStats} columns=${preview.columns} rows=${preview.statsRows} />`}
    <h2>Samples</h2>
    <${Samples} dataset=${dataset} samples=${preview.samples} />
  `;
}
