import { unwrap, type TrainyardClient } from '../../client/src/index.ts';
import type { CliContext } from '../context.ts';
import { experimentLines, type Experiment } from './experiment-view.ts';

const POLL_MS = 1000;
const ENDED: Experiment['status'][] = ['completed', 'canceled'];

/**
 * Waits until the experiment ends, noting each change of its status or trial counts on
 * stderr, and answers it as it ended. An experiment's trials each stream their own events;
 * the experiment itself is read from its summary, which the API recomputes from PostgreSQL.
 */
export async function waitForExperiment(ctx: CliContext, client: TrainyardClient, id: string): Promise<Experiment> {
  let last = '';
  for (;;) {
    const experiment = await unwrap(client.api.GET('/v1/experiments/{id}', { params: { path: { id } } }));
    const summary = experimentLines(experiment)[0];
    if (summary !== last) ctx.out.note(summary);
    last = summary;
    if (ENDED.includes(experiment.status)) return experiment;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The exit status of a waited-for experiment, as `runs create --follow` gives a run's: 0 completed, 3 canceled. */
export const experimentOutcome = (e: Experiment) => (e.status === 'completed' ? 0 : 3);
