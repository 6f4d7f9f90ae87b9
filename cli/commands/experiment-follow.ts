import type { ExperimentEvent, TrainyardClient } from '../../client/src/index.ts';
import type { CliContext } from '../context.ts';
import { formatNumber } from '../output/format.ts';
import { streamingTable } from '../output/table.ts';

const EXIT_CODES: Record<string, number> = { completed: 0, canceled: 3 };

/** One row per trial event, its status changes between them. */
const table = streamingTable([
  { title: 'seq', width: 5 },
  { title: 'event', width: 16 },
  { title: 'trial', width: 5 },
  { title: 'rung', width: 4 },
  { title: 'metric', width: 10 },
  { title: 'run', width: 36 },
]);

const row = (e: ExperimentEvent) =>
  table.row([String(e.seq), e.type, e.index === undefined ? '' : String(e.index), e.rung === undefined ? '' : String(e.rung), e.metric == null ? '' : formatNumber(e.metric), e.runId ?? '']);

/**
 * Prints an experiment's events as they arrive (with --json, one JSON line each) until it
 * completes or is canceled; answers the exit status of the outcome (0 completed, 3 canceled).
 */
export async function followExperiment(ctx: CliContext, client: TrainyardClient, id: string): Promise<number> {
  let outcome = 'unknown';
  if (!ctx.out.json) ctx.out.line(ctx.out.colours.dim(table.header()));
  for await (const event of client.experimentEvents(id)) {
    if (ctx.out.json) ctx.out.jsonLine(event);
    else if (event.type === 'status') ctx.out.line(ctx.out.colours.bold(`experiment ${event.status}`));
    else ctx.out.line(row(event));
    if (event.type === 'status') outcome = event.status ?? outcome;
  }
  return EXIT_CODES[outcome] ?? 1;
}
