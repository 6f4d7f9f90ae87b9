import type { RunEvent, TrainyardClient } from '../../client/src/index.ts';
import type { CliContext } from '../context.ts';
import { formatNumber } from '../output/format.ts';
import { streamingTable } from '../output/table.ts';
import { RUN_EXIT_CODES } from './run-outcome.ts';

type EpochEvent = Extract<RunEvent, { type: 'epoch' }>;
type StatusEvent = Extract<RunEvent, { type: 'status' }>;

const METRIC_WIDTH = 10;

/** The epoch table's columns: the metrics of the first epoch (tfjs's names), then timings. */
function epochTable(first: EpochEvent) {
  const metrics = Object.keys(first.metrics);
  const table = streamingTable([
    { title: 'epoch', width: 6 },
    ...metrics.map((m) => ({ title: m, width: Math.max(METRIC_WIDTH, m.length) })),
    { title: 'ms', width: 8 },
    { title: 'samples/s', width: 9 },
  ]);
  return {
    header: table.header,
    row: (e: EpochEvent) =>
      table.row([String(e.epoch), ...metrics.map((m) => formatNumber((e.metrics as Record<string, number>)[m])), String(Math.round(e.durationMs)), formatNumber(Math.round(e.samplesPerSec))]),
  };
}

function statusLine(ctx: CliContext, e: StatusEvent): string {
  const { green, red, yellow, bold } = ctx.out.colours;
  const paint = e.status === 'completed' ? green : e.status === 'failed' ? red : e.status === 'canceled' ? yellow : bold;
  const where = [e.backend && ` on ${e.backend}`, e.device && ` (${e.device})`].filter(Boolean).join('');
  const why = e.error ? ` ${e.error.code}: ${e.error.message}` : e.stopReason ? `: ${e.stopReason}` : '';
  return `${paint(e.status)}${where}${why}`;
}

/**
 * Prints a run's events as they arrive (with --json, each as a JSON line): epochs as rows of
 * one table, status changes and logs between them. Answers the exit status of the outcome.
 */
export async function followRun(ctx: CliContext, client: TrainyardClient, runId: string): Promise<number> {
  let table: ReturnType<typeof epochTable> | undefined;
  let outcome = 'unknown';
  for await (const event of client.runEvents(runId)) {
    if (ctx.out.json) ctx.out.jsonLine(event);
    else if (event.type === 'epoch') {
      if (!table) ctx.out.line(ctx.out.colours.dim((table = epochTable(event)).header()));
      ctx.out.line(table.row(event));
    } else if (event.type === 'status') ctx.out.line(statusLine(ctx, event));
    else if (event.type === 'log') ctx.out.line(ctx.out.colours.dim(`${event.level}: ${event.message}`));
    if (event.type === 'status') outcome = event.status;
  }
  return RUN_EXIT_CODES[outcome] ?? 1;
}
