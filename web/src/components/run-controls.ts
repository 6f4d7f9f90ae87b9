import { api } from '../api.ts';
import { saveBlob } from '../download.ts';
import { useAction } from '../hooks.ts';
import { html } from '../html.ts';
import type { Run } from '../types.ts';

/** model.json, then each weight file its manifest names: the same files tf.loadLayersModel reads. */
async function downloadModel(runId: string): Promise<void> {
  const modelJson = await api.modelFile(runId, 'model.json');
  saveBlob(modelJson, 'model.json');
  const manifest = JSON.parse(await modelJson.text()) as { weightsManifest?: { paths: string[] }[] };
  for (const file of manifest.weightsManifest?.flatMap((g) => g.paths) ?? []) saveBlob(await api.modelFile(runId, file), file);
}

/** Cancel, pause, resume and download, each shown only when the run's status allows it. */
export function RunControls({ run }: { run: Run }) {
  const { busy, error, act } = useAction();
  const active = ['queued', 'running', 'paused'].includes(run.status);
  return html`<div class="controls">
    ${active && html`<button type="button" disabled=${busy} onClick=${act(() => api.controlRun(run.id, 'cancel'))}>Cancel</button>`}
    ${(run.status === 'queued' || run.status === 'running') && html`<button type="button" disabled=${busy} onClick=${act(() => api.controlRun(run.id, 'pause'))}>Pause</button>`}
    ${run.status === 'paused' && html`<button type="button" disabled=${busy} onClick=${act(() => api.controlRun(run.id, 'resume'))}>Resume</button>`}
    ${run.status === 'completed' && html`<button type="button" disabled=${busy} onClick=${act(() => downloadModel(run.id))}>Download model</button>`}
    ${error && html`<span class="error" role="alert">${error}</span>`}
  </div>`;
}
