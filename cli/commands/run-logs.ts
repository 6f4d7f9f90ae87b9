import { isFinalEvent, unwrap, type RunEvent } from '../../client/src/index.ts';
import type { CliContext } from '../context.ts';
import { formatNumber, formatTime } from '../output/format.ts';

/** Replayed events stop coming this long after the last one of an active run, when not following. */
const REPLAY_IDLE_MS = 500;

function eventText(e: RunEvent): string {
  const at = formatTime(e.at);
  if (e.type === 'status') return `${at}  status ${e.status}${e.error ? ` ${e.error.code}: ${e.error.message}` : ''}${e.stopReason ? ` (${e.stopReason})` : ''}`;
  if (e.type === 'epoch') return `${at}  epoch ${e.epoch} ${Object.entries(e.metrics).map(([k, v]) => `${k}=${formatNumber(v)}`).join(' ')}`;
  if (e.type === 'checkpoint') return `${at}  checkpoint epoch ${e.epoch}${e.batch === null ? '' : ` batch ${e.batch}`}`;
  return `${at}  ${e.level} ${e.message}`;
}

/**
 * A run's events (status, epochs, checkpoints, logs) as log lines. With `follow`, until the run
 * ends; without, what happened so far: a finished run's stream ends at its final status, an
 * active run's replay is over once nothing arrives for REPLAY_IDLE_MS after an event (the
 * stream has no end-of-replay marker; every run has at least its `queued` event).
 */
export async function runLogs(ctx: CliContext, runId: string, follow: boolean): Promise<void> {
  const client = await ctx.client();
  const run = await unwrap(client.api.GET('/v1/runs/{id}', { params: { path: { id: runId } } }));
  const finished = ['completed', 'failed', 'canceled'].includes(run.status);
  const stop = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    if (!follow && !finished) idle = setTimeout(() => stop.abort(), REPLAY_IDLE_MS);
  };
  try {
    for await (const event of client.runEvents(runId, { signal: stop.signal })) {
      if (ctx.out.json) ctx.out.jsonLine(event);
      else ctx.out.line(eventText(event));
      if (isFinalEvent(event)) break;
      armIdle();
    }
  } finally {
    clearTimeout(idle);
  }
}
