import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../errors/app-error.ts';
import { findTeamRunEventSeq } from '../../events/run-events.repository.ts';
import { streamRunEvents, streamTeamEvents, type EventStreamContext } from '../../events/event-streams.ts';
import { keepAlive } from '../../events/socket-flow.ts';
import { isUuid } from '../../db/is-uuid.ts';
import { KEY_REVOKED_CLOSE_CODE } from '../../auth/key-watch.ts';
import type { WebSocket } from '@fastify/websocket';
import { streamExperimentEvents } from '../../experiments/experiment-event-stream.ts';
import { teamExperimentOr404 } from '../../experiments/experiments.service.ts';

export interface EventRoutesOptions {
  /** How often each socket is pinged; one that has not answered the previous ping is dropped. Default 25 s. */
  pingIntervalMs?: number;
  /** Unsent bytes beyond which a live subscriber is closed with 1013 "slow consumer". Default 1 MiB. */
  maxBufferedBytes?: number;
}

const runParams = z.object({ id: z.string().min(1) });
const runQuery = z.object({
  /** Resume after this sequence number; 0 replays the run from its first event. */
  since: z.coerce.number().int().min(0).max(2_147_483_647).default(0),
  /** `true`: also the transient per-batch `progress` messages (no `seq`, never replayed). */
  progress: z.enum(['true', 'false']).default('false'),
});

/**
 * WebSocket streams of run and experiment events. Authentication (header or `bearer.<key>` subprotocol),
 * validation and the ownership check all run as hooks before the upgrade, so a refused client
 * gets a plain HTTP 401/400/404; a stream whose key is revoked later closes with 4401.
 */
export default async function eventRoutes(app: FastifyInstance, opts: EventRoutesOptions) {
  const pingIntervalMs = opts.pingIntervalMs ?? 25_000;
  const maxBufferedBytes = opts.maxBufferedBytes ?? 1024 * 1024;
  const r = app.withTypeProvider<ZodTypeProvider>();

  const open = (socket: WebSocket, request: FastifyRequest): EventStreamContext => {
    keepAlive(socket, pingIntervalMs);
    // The key was checked at the upgrade; a stream must not outlive its revocation.
    const unwatch = app.keyWatch.watch(request.team.keyId, () => socket.close(KEY_REVOKED_CLOSE_CODE, 'API key revoked'));
    socket.once('close', unwatch);
    // Subscribers only listen; anything they send is ignored.
    return { hub: app.events.hub, db: app.db, socket, teamId: request.team.id, maxBufferedBytes, log: request.log };
  };

  r.route({
    method: 'GET',
    url: '/runs/:id/events',
    schema: { params: runParams, querystring: runQuery },
    preHandler: async (request) => {
      // A malformed id (a NUL byte would fail the query) is as unknown as another team's.
      const seq = isUuid(request.params.id) ? await findTeamRunEventSeq(app.db, { runId: request.params.id, teamId: request.team.id }) : null;
      if (seq === null) throw notFound('run');
    },
    handler: upgradeRequired,
    wsHandler: async (socket, request) => streamRunEvents(open(socket, request), request.params.id, request.query.since, { progress: request.query.progress === 'true' }),
  });

  r.route({
    method: 'GET',
    url: '/experiments/:id/events',
    schema: { params: runParams, querystring: runQuery },
    // Another team's experiment, or a malformed id, is a 404 before the upgrade.
    preHandler: async (request) => void (await teamExperimentOr404(app, request.team.id, request.params.id)),
    handler: upgradeRequired,
    wsHandler: async (socket, request) => streamExperimentEvents(open(socket, request), request.params.id, request.query.since),
  });

  r.route({ method: 'GET', url: '/events', handler: upgradeRequired, wsHandler: async (socket, request) => streamTeamEvents(open(socket, request)) });
}

/** A plain GET (no `Upgrade: websocket`) that passed auth and the checks: say what it takes. */
async function upgradeRequired(): Promise<never> {
  throw new AppError('UPGRADE_REQUIRED', 'This is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)');
}
