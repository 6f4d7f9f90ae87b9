import { api } from '../api.ts';
import { useAction } from '../hooks.ts';
import { html } from '../html.ts';
import type { Experiment } from '../types.ts';

/** Pause, resume and cancel a search, each shown only when its status allows it. */
export function ExperimentControls({ experiment: e }: { experiment: Experiment }) {
  const { busy, error, act } = useAction();
  return html`<div class="controls">
    ${e.status === 'running' && html`<button type="button" disabled=${busy} onClick=${act(() => api.controlExperiment(e.id, 'pause'))}>Pause search</button>`}
    ${e.status === 'paused' && html`<button type="button" disabled=${busy} onClick=${act(() => api.controlExperiment(e.id, 'resume'))}>Resume search</button>`}
    ${(e.status === 'running' || e.status === 'paused') && html`<button type="button" disabled=${busy} onClick=${act(() => api.controlExperiment(e.id, 'cancel'))}>Cancel search</button>`}
    ${error && html`<span class="error" role="alert">${error}</span>`}
  </div>`;
}
