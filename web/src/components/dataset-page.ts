import { api } from '../api.ts';
import { bytes, when } from '../format.ts';
import { html } from '../html.ts';
import { useLoad } from '../hooks.ts';
import { StatusBadge } from './status-badge.ts';
import { DatasetDetails } from './dataset-details.ts';

/** One dataset: what parsing found (shape, task, classes with their counts, columns, samples), and why it failed if it did. */
export function DatasetPage({ id }: { id: string }) {
  const { value: d, error } = useLoad(() => api.dataset(id), [id]);
  const { value: preview } = useLoad(() => (d?.status === 'ready' ? api.datasetPreview(id) : Promise.resolve(undefined)), [id, d?.status]);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!d) return html`<p class="loading" role="status">Loading dataset…</p>`;
  return html`<article data-testid="dataset-page" data-status=${d.status}>
    <h1>${d.name} <${StatusBadge} status=${d.status} /></h1>
    <dl class="facts">
      <div><dt>format</dt><dd>${d.format}</dd></div>
      <div><dt>task</dt><dd>${d.task}</dd></div>
      <div><dt>samples</dt><dd data-testid="num-samples">${d.numSamples}</dd></div>
      <div><dt>input shape</dt><dd data-testid="input-shape">${d.inputShape.join('×')}</dd></div>
      <div><dt>target shape</dt><dd>${d.targetShape.join('×')}</dd></div>
      <div><dt>size</dt><dd>${bytes(d.bytes)}</dd></div>
      <div><dt>created</dt><dd>${when(d.createdAt)}</dd></div>
    </dl>
    ${d.error ? html`<p class="error">${JSON.stringify(d.error)}</p>` : null}
    ${preview ? html`<${DatasetDetails} dataset=${d} preview=${preview} />` : d.status === 'ready' && html`<p class="loading" role="status">Loading samples…</p>`}
  </article>`;
}
