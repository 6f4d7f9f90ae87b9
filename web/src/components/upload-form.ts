import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { bytes } from '../format.ts';
import { html } from '../html.ts';
import { link } from '../router.ts';
import type { Dataset } from '../types.ts';

type Format = 'csv' | 'idx' | 'image-zip';

/** The multipart fields each format takes (README "The API"); the file inputs are read from the form itself. */
const FIELDS: Record<Format, { files: string[]; text: [name: string, label: string, value: string][] }> = {
  csv: { files: ['file'], text: [['label', 'Label column', 'label'], ['task', 'Task (classification / regression)', 'classification']] },
  idx: { files: ['images', 'labels'], text: [] },
  'image-zip': { files: ['file'], text: [['width', 'Width (px, optional)', ''], ['height', 'Height (px, optional)', ''], ['color', 'Color (grayscale / rgb, optional)', '']] },
};

function formData(format: Format, form: HTMLFormElement): FormData {
  const data = new FormData();
  data.set('format', format);
  const source = new FormData(form);
  // Text fields before files: the API reads the options before it streams the parts that need them.
  for (const [name] of FIELDS[format].text) {
    const value = String(source.get(name) ?? '').trim();
    if (value) data.set(name, value);
  }
  for (const name of FIELDS[format].files) data.set(name, source.get(name) as File);
  return data;
}

/** Upload with a progress bar of bytes sent over total, then the parsed dataset (or the API's 4xx message). */
export function UploadForm({ onUploaded }: { onUploaded: (dataset: Dataset) => void }) {
  const [format, setFormat] = useState<Format>('csv');
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploaded, setUploaded] = useState<Dataset | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setUploaded(null);
    setProgress({ sent: 0, total: 1 });
    try {
      const dataset = await api.uploadDataset(formData(format, e.target as HTMLFormElement), (sent, total) => setProgress({ sent, total }));
      setUploaded(dataset);
      onUploaded(dataset);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return html`<form class="upload" onSubmit=${submit} data-testid="upload-form">
    <label>Format <select value=${format} onChange=${(e: Event) => setFormat((e.target as HTMLSelectElement).value as Format)}>
      <option value="csv">CSV</option><option value="idx">IDX (MNIST)</option><option value="image-zip">Image zip (one folder per class)</option>
    </select></label>
    ${FIELDS[format].files.map((name) => html`<label key=${format + name}>${name} <input type="file" name=${name} required /></label>`)}
    ${FIELDS[format].text.map(([name, label, value]) => html`<label key=${format + name}>${label} <input name=${name} value=${value} /></label>`)}
    <button type="submit">Upload</button>
    ${progress &&
    html`<div class="progress-line" data-testid="upload-progress" data-sent=${progress.sent} data-total=${progress.total} data-done=${Boolean(uploaded)}>
      <progress max=${progress.total} value=${progress.sent}></progress> ${bytes(progress.sent)} / ${bytes(progress.total)}
      ${uploaded && html`<span>parsed: <a href=${link('datasets', uploaded.id)}>${uploaded.name}</a> (${uploaded.numSamples} samples, ${uploaded.status})</span>`}
    </div>`}
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </form>`;
}
