import { api } from '../api.ts';
import { bytes, number, when } from '../format.ts';
import { html } from '../html.ts';
import { useLoad } from '../hooks.ts';

/** Reloaded whenever the stream reports a checkpoint (`tick`), never polled. */
export function CheckpointsTable({ runId, tick }: { runId: string; tick: number }) {
  const { value: checkpoints } = useLoad(() => api.runCheckpoints(runId), [runId, tick]);
  if (!checkpoints?.length) return html`<p class="muted">No checkpoint yet.</p>`;
  return html`<table data-testid="checkpoints">
    <thead><tr><th>epoch</th><th>batch</th><th>loss</th><th>size</th><th>created</th></tr></thead>
    <tbody>${checkpoints.map((c) => html`<tr key=${c.id}><td>${c.epoch}</td><td>${c.batch ?? 'end'}</td><td>${number(c.metrics.loss)}</td><td>${bytes(c.sizeBytes)}</td><td>${when(c.createdAt)}</td></tr>`)}</tbody>
  </table>`;
}
