import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { bytes, when } from '../format.ts';
import { html } from '../html.ts';
import { link } from '../router.ts';
import type { Dataset } from '../types.ts';
import { StatusBadge } from './status-badge.ts';
import { UploadForm } from './upload-form.ts';

export function DatasetsPage() {
  const [datasets, setDatasets] = useState<Dataset[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const all: Dataset[] = [];
    api
      .eachDatasetsPage((page) => {
        all.push(...page);
        setDatasets([...all]);
      })
      .catch((err: Error) => setError(err.message));
  }, []);
  const onUploaded = (d: Dataset) => setDatasets((list) => [d, ...list]);
  return html`<section data-testid="datasets-page">
    <h1>Datasets</h1>
    <h2>Upload</h2>
    <${UploadForm} onUploaded=${onUploaded} />
    <h2>The team's datasets</h2>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <div class="table-wrap"><table>
      <thead><tr><th>name</th><th>status</th><th>format</th><th>samples</th><th>input shape</th><th>classes</th><th>size</th><th>created</th></tr></thead>
      <tbody>${datasets.map((d) => html`<tr key=${d.id}>
        <td><a href=${link('datasets', d.id)}>${d.name}</a></td><td><${StatusBadge} status=${d.status} /></td><td>${d.format}</td><td>${d.numSamples}</td>
        <td>${d.inputShape.join('×')}</td><td>${d.numClasses ?? '–'}</td><td>${bytes(d.bytes)}</td><td>${when(d.createdAt)}</td>
      </tr>`)}</tbody>
    </table></div>
  </section>`;
}
