import type { WebSocket } from '@fastify/websocket';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/prisma-client.ts';
import { isRunEvent, type EventHub, type TeamEventListener } from './event-hub.ts';
import type { RunEvent } from './run-event-map.ts';
import { RunEventSequencer } from './run-event-sequencer.ts';
import { listRunEvents } from './run-events.repository.ts';
import { sendIfKeepingUp, sendOrShed, waitWritable } from './socket-flow.ts';

export interface EventStreamContext {
  hub: EventHub;
  db: Db;
  socket: WebSocket;
  teamId: string;
  /** Unsent bytes beyond which a live subscriber is closed as a slow consumer. */
  maxBufferedBytes: number;
  log: FastifyBaseLogger;
}

export const INTERNAL_ERROR_CLOSE_CODE = 1011;

/**
 * One run's events with `seq > since`: replayed from PostgreSQL, then live. The subscription
 * is made first, so nothing published during the replay is missed; the sequencer orders and
 * deduplicates the seam. With `progress`, the run's transient batch progress too, as it comes
 * (outside the numbering: see src/events/run-progress.ts).
 */
export async function streamRunEvents(ctx: EventStreamContext, runId: string, since: number, { progress = false } = {}): Promise<void> {
  const sequencer = newSequencer(ctx, runId, since);
  await subscribe(
    ctx,
    {
      onEvent: (event) => {
        if (isRunEvent(event) && event.runId === runId) sequencer.push(event);
      },
      ...(progress && {
        onProgress: (p) => {
          if (p.runId === runId) sendIfKeepingUp(ctx.socket, JSON.stringify(p), ctx.maxBufferedBytes / 2);
        },
      }),
      onResync: () => void sequencer.catchUp(),
    },
    () => sequencer.stop(),
  );
  await sequencer.catchUp();
}

/**
 * Every live event of the team's runs, from the moment of connecting (no replay: a client
 * resumes a run it cares about with `/v1/runs/:id/events?since=`). Each run's events still
 * arrive in `seq` order with no gap after the first one seen.
 */
export async function streamTeamEvents(ctx: EventStreamContext): Promise<void> {
  const sequencers = new Map<string, RunEventSequencer>();
  await subscribe(
    ctx,
    {
      onEvent: (event) => {
        if (!isRunEvent(event)) return;
        let sequencer = sequencers.get(event.runId);
        if (!sequencer) {
          sequencer = newSequencer(ctx, event.runId, event.seq - 1);
          sequencers.set(event.runId, sequencer);
        }
        sequencer.push(event);
      },
      onResync: () => {
        for (const sequencer of sequencers.values()) void sequencer.catchUp();
      },
    },
    () => {
      for (const sequencer of sequencers.values()) sequencer.stop();
    },
  );
}

function newSequencer(ctx: EventStreamContext, runId: string, lastSeq: number) {
  const { socket, maxBufferedBytes } = ctx;
  return new RunEventSequencer({
    lastSeq,
    // The team filter keeps a run id taken from a message within the subscriber's team.
    fetchAfter: (afterSeq, limit) => listRunEvents(ctx.db, { runId, teamId: ctx.teamId, afterSeq, limit }),
    deliver: (event: RunEvent) => sendOrShed(socket, JSON.stringify(event), maxBufferedBytes),
    waitWritable: () => waitWritable(socket, maxBufferedBytes / 2),
    onError: (err) => {
      ctx.log.error({ err, runId }, 'event replay failed');
      socket.close(INTERNAL_ERROR_CLOSE_CODE, 'internal error');
    },
  });
}

/** Subscribes for as long as the socket is open; the socket may close while this waits. */
export async function subscribe(ctx: EventStreamContext, listener: TeamEventListener, onClose: () => void): Promise<void> {
  let unsubscribe: (() => void) | null = null;
  let closed = false;
  ctx.socket.once('close', () => {
    closed = true;
    unsubscribe?.();
    onClose();
  });
  unsubscribe = await ctx.hub.subscribeTeam(ctx.teamId, listener);
  if (closed) unsubscribe();
}
