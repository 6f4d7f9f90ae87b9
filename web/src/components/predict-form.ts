import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { html } from '../html.ts';
import { number } from '../format.ts';
import { imageInstance } from '../image-input.ts';
import type { Dataset, Prediction } from '../types.ts';

function PredictionView({ prediction, classNames }: { prediction: Prediction; classNames: string[] }) {
  if (prediction.value) return html`<p data-testid="prediction">Predicted value: <strong>${prediction.value.map((v) => number(v)).join(', ')}</strong></p>`;
  const ranked = prediction.probabilities.map((p, i) => ({ p, name: classNames[i] ?? String(i) })).sort((a, b) => b.p - a.p).slice(0, 10);
  return html`<table class="probabilities" data-testid="prediction">
    <thead><tr><th>class</th><th>probability</th></tr></thead>
    <tbody>${ranked.map((r) => html`<tr><td>${r.name}</td><td><meter min="0" max="1" value=${r.p}></meter> ${(r.p * 100).toFixed(1)} %</td></tr>`)}</tbody>
  </table>`;
}

/** One instance: an image drawn at the dataset's input size, or a JSON row (`[73, 80, 75]`). */
export function PredictForm({ runId, dataset }: { runId: string; dataset: Dataset }) {
  const isImage = dataset.inputShape.length === 3;
  const [row, setRow] = useState(JSON.stringify(Array(dataset.inputShape[0] ?? 1).fill(0)));
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<Prediction | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const instance = isImage ? (file ? await imageInstance(file, dataset.inputShape) : null) : (JSON.parse(row) as unknown);
      if (instance === null) return setError('Pick an image first');
      setResult((await api.predict(runId, [instance]))[0]);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return html`<form class="predict" onSubmit=${submit}>
    ${isImage
      ? html`<label>Image <input type="file" accept="image/png,image/jpeg" onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} /></label>`
      : html`<label>Row (JSON, ${dataset.inputShape.join('×')} values) <textarea rows="2" value=${row} onInput=${(e: Event) => setRow((e.target as HTMLTextAreaElement).value)}></textarea></label>`}
    <button type="submit">Predict</button>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${result && html`<${PredictionView} prediction=${result} classNames=${dataset.classNames} />`}
  </form>`;
}
