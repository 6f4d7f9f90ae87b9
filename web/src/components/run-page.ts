import { api } from '../api.ts';
import { duration, number, shortId } from '../format.ts';
import { html } from '../html.ts';
import { useLoad } from '../hooks.ts';
import { link } from '../router.ts';
import { useLiveRun } from '../run-live.ts';
import type { Metrics, Run, RunProgress } from '../types.ts';
import { CheckpointsTable } from './checkpoints-table.ts';
import { PredictForm } from './predict-form.ts';
import { RunCharts } from './run-charts.ts';
import { RunControls } from './run-controls.ts';
import { StatusBadge } from './status-badge.ts';

const MetricsList = ({ metrics }: { metrics: Metrics }) =>
  html`<dl class="metrics">${Object.entries(metrics).map(([k, v]) => html`<div><dt>${k}</dt><dd>${number(v)}</dd></div>`)}</dl>`;

function EpochProgress({ run, done }: { run: Run; done: number }) {
  return html`<div class="progress-line">
    <label for="epoch-progress">Epoch ${done} of ${run.totalEpochs}</label>
    <progress id="epoch-progress" max=${run.totalEpochs} value=${done}></progress>
  </div>`;
}

/** Batches done in the epoch in progress, while the run trains (from `progress` messages). */
function BatchProgress({ progress }: { progress: RunProgress | null }) {
  if (!progress) return null;
  return html`<div class="progress-line" data-testid="batch-progress" data-epoch=${progress.epoch} data-batch=${progress.batch} data-batches=${progress.batches}>
    <label for="batch-progress">Epoch ${progress.epoch}: batch ${progress.batch} of ${progress.batches}</label>
    <progress id="batch-progress" max=${progress.batches} value=${progress.batch}></progress>
  </div>`;
}

function LogTail({ logs }: { logs: { seq: number; at: string; level: string; message: string }[] }) {
  if (!logs.length) return html`<p class="muted">Nothing logged yet.</p>`;
  return html`<ol class="log" data-testid="log-tail">${logs.map((l) => html`<li key=${l.seq} class=${`log-${l.level}`}><time>${new Date(l.at).toLocaleTimeString()}</time> ${l.message}</li>`)}</ol>`;
}

/** A run, live: curves that grow per epoch over the WebSocket, its log, checkpoints, spec and controls. */
export function RunPage({ id }: { id: string }) {
  const live = useLiveRun(id);
  const { run } = live;
  const { value: dataset } = useLoad(() => (run ? api.dataset(run.datasetId) : Promise.resolve(undefined)), [run?.datasetId]);
  if (live.error) return html`<p class="error" role="alert">${live.error}</p>`;
  if (!run) return html`<p class="loading" role="status">Loading run…</p>`;
  return html`<article data-testid="run-page" data-status=${run.status} data-connection=${live.state} data-reconnects=${live.reconnects}>
    <h1>Run <span class="mono">${shortId(run.id)}</span> <${StatusBadge} status=${run.status} /></h1>
    <p class="muted">
      ${dataset ? html`dataset <a href=${link('datasets', dataset.id)}>${dataset.name}</a> · ` : ''}backend ${run.backend ?? '–'}${run.device ? ` (${run.device})` : ''} · ${duration(run.startedAt, run.finishedAt)} · stream <span class=${`conn conn-${live.state}`}>${live.state}</span>
    </p>
    ${run.stopReason && html`<p>${run.stopReason}</p>`}
    ${run.error && html`<p class="error">${run.error.code}: ${run.error.message}</p>`}
    <${RunControls} run=${run} />
    <${EpochProgress} run=${run} done=${Math.max(run.currentEpoch, live.epochs.size)} />
    ${run.status === 'running' && html`<${BatchProgress} progress=${live.batchProgress} />`}
    <${RunCharts} epochs=${live.epochs} />
    ${run.testMetrics && html`<section><h2>Test metrics</h2><${MetricsList} metrics=${run.testMetrics} /></section>`}
    ${run.status === 'completed' && dataset && html`<section><h2>Predict</h2><${PredictForm} runId=${run.id} dataset=${dataset} /></section>`}
    <section><h2>Log</h2><${LogTail} logs=${live.logs} /></section>
    <section><h2>Checkpoints</h2><${CheckpointsTable} runId=${run.id} tick=${live.checkpointTick} /></section>
    <section><h2>Spec</h2><pre class="spec">${JSON.stringify(run.spec, null, 2)}</pre></section>
  </article>`;
}
