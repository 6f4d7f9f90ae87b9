import { api } from '../api.ts';
import { duration, number, seconds, shortId, when } from '../format.ts';
import { html } from '../html.ts';
import { useLoad, useTeamChanges } from '../hooks.ts';
import { link } from '../router.ts';
import type { Run, Worker } from '../types.ts';

interface QueueView {
  workers: Worker[];
  /** Oldest first: the order runs of one priority leave the queue in. */
  queued: Run[];
  running: Run[];
  samplesPerSec: number | null;
  epochSeconds: number | null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** What the workers showed on the team's running runs: each one's last epoch (samples/s, and its duration). */
async function loadQueue(): Promise<QueueView> {
  const [workers, queued, running] = await Promise.all([api.workers(), api.runsWithStatus('queued'), api.runsWithStatus('running')]);
  const last = (await Promise.all(running.slice(0, 10).map((r) => api.runMetrics(r.id)))).map((e) => e.at(-1)).filter((e) => e !== undefined);
  const epochMs = mean(last.map((e) => e.durationMs));
  return { workers, queued: queued.reverse(), running, samplesPerSec: mean(last.map((e) => e.samplesPerSec)), epochSeconds: epochMs === null ? null : epochMs / 1000 };
}

/**
 * The ETA of a queued run: the work ahead of it (remaining epochs of running runs and the runs
 * queued before it, in epochs) times the seconds an epoch has taken, spread over the workers'
 * slots. A rough guide: other teams' runs and unlike datasets are not in it.
 */
function etaSeconds(position: number, queued: Run[], running: Run[], slots: number, epochSeconds: number | null): number | null {
  if (!epochSeconds || slots === 0) return null;
  const ahead = running.reduce((s, r) => s + (r.totalEpochs - r.currentEpoch), 0) + queued.slice(0, position).reduce((s, r) => s + r.totalEpochs, 0);
  return (ahead * epochSeconds) / slots;
}

function WorkersTable({ workers }: { workers: Worker[] }) {
  if (!workers.length) return html`<p class="muted">No worker is alive: start one with <code>npm run worker</code>.</p>`;
  return html`<div class="table-wrap"><table data-testid="workers">
    <thead><tr><th>worker</th><th>backend</th><th>device / adapter</th><th>current runs</th><th>last heartbeat</th></tr></thead>
    <tbody>${workers.map((w) => html`<tr key=${w.id}>
      <td class="mono" title=${w.hostname}>${w.id}</td><td>${w.backend}</td><td>${w.adapter ? `${w.adapter.vendor} ${w.adapter.architecture}` : w.device}</td>
      <td>${w.currentRuns.length ? w.currentRuns.map((r) => (r.runId ? html`<a href=${link('runs', r.runId)} class="mono">${shortId(r.runId)}</a> ` : html`<span class="muted">another team's run </span>`)) : 'idle'}</td>
      <td><time datetime=${w.lastHeartbeatAt} title=${when(w.lastHeartbeatAt)}>${duration(w.lastHeartbeatAt, null)} ago</time></td>
    </tr>`)}</tbody>
  </table></div>`;
}

export function QueuePage() {
  const { value, error, reload } = useLoad(loadQueue, []);
  // Runs starting, finishing and finishing epochs move the queue and its ETAs: refetch on them, no polling.
  const live = useTeamChanges(reload);
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (!value) return html`<p class="loading" role="status">Loading queue…</p>`;
  const { workers, queued, running, samplesPerSec, epochSeconds } = value;
  const slots = workers.reduce((s, w) => s + w.concurrency, 0);
  return html`<section data-testid="queue-page" data-live=${live}>
    <h1>Queue & workers</h1>
    <p class="muted">Workers train ${samplesPerSec ? `about ${number(samplesPerSec)} samples/s per run` : 'at a rate not measured yet'}.</p>
    <h2>Queued runs</h2>
    ${queued.length === 0
      ? html`<p class="muted">Nothing is waiting.</p>`
      : html`<table data-testid="queued">
          <thead><tr><th>position</th><th>run</th><th>epochs</th><th>waiting</th><th>ETA</th></tr></thead>
          <tbody>${queued.map((r, i) => {
            const eta = etaSeconds(i, queued, running, slots, epochSeconds);
            return html`<tr key=${r.id}><td>${i + 1}</td><td><a href=${link('runs', r.id)} class="mono">${shortId(r.id)}</a></td><td>${r.totalEpochs}</td><td>${duration(r.createdAt, null)}</td><td data-eta-s=${eta === null ? '' : Math.round(eta)}>${eta === null ? '–' : `~${seconds(eta)}`}</td></tr>`;
          })}</tbody>
        </table>`}
    <h2>Workers</h2>
    <${WorkersTable} workers=${workers} />
  </section>`;
}
