import { isRunEvent } from '../events/event-hub.ts';
import { INTERNAL_ERROR_CLOSE_CODE, subscribe, type EventStreamContext } from '../events/event-streams.ts';
import { RunEventSequencer } from '../events/run-event-sequencer.ts';
import { sendOrShed, waitWritable } from '../events/socket-flow.ts';
import type { ExperimentEvent } from './experiment-event-map.ts';
import { listExperimentEvents } from './experiment-events.repository.ts';

/**
 * One experiment's events with `seq > since`: replayed from PostgreSQL, then live, with the
 * run stream's machinery (subscribe first, then the sequencer orders and deduplicates the seam
 * and reads back any gap Redis left).
 */
export async function streamExperimentEvents(ctx: EventStreamContext, experimentId: string, since: number): Promise<void> {
  const { socket, maxBufferedBytes } = ctx;
  const sequencer = new RunEventSequencer<ExperimentEvent>({
    lastSeq: since,
    fetchAfter: (afterSeq, limit) => listExperimentEvents(ctx.db, { experimentId, teamId: ctx.teamId, afterSeq, limit }),
    deliver: (event) => sendOrShed(socket, JSON.stringify(event), maxBufferedBytes),
    waitWritable: () => waitWritable(socket, maxBufferedBytes / 2),
    onError: (err) => {
      ctx.log.error({ err, experimentId }, 'experiment event replay failed');
      socket.close(INTERNAL_ERROR_CLOSE_CODE, 'internal error');
    },
  });
  await subscribe(
    ctx,
    {
      onEvent: (event) => {
        if (!isRunEvent(event) && event.experimentId === experimentId) sequencer.push(event as ExperimentEvent);
      },
      onResync: () => void sequencer.catchUp(),
    },
    () => sequencer.stop(),
  );
  await sequencer.catchUp();
}
