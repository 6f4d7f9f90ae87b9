import fp from 'fastify-plugin';
import { createRedis } from '../../redis/redis-connection.ts';
import { EventHub } from '../../events/event-hub.ts';
import { publishRunEvent, type PublishRunEventOptions } from '../../events/event-publisher.ts';
import type { AppendRunEventInput } from '../../events/run-events.repository.ts';
import type { RunEvent, RunEventType } from '../../events/run-event-map.ts';

export interface AppEvents {
  /** This process's Redis subscriber, shared by every WebSocket. */
  hub: EventHub;
  /** `publishRunEvent` bound to the app's PostgreSQL, Redis and prefix. */
  publish<T extends RunEventType>(input: AppendRunEventInput<T>, options?: PublishRunEventOptions): Promise<RunEvent<T>>;
}

declare module 'fastify' {
  interface FastifyInstance {
    events: AppEvents;
  }
}

export default fp(
  async (app, opts: { redisUrl: string; redisPrefix: string }) => {
    // Subscriber mode takes a connection over entirely, so the hub gets its own.
    const subscriber = createRedis(opts.redisUrl, 'trainyard-api-events');
    const hub = new EventHub(subscriber, opts.redisPrefix, (err) => app.log.warn({ err }, 'event hub'));
    const deps = { db: app.db, redis: app.redis, redisPrefix: opts.redisPrefix };
    app.decorate('events', {
      hub,
      publish: (input, options) => publishRunEvent(deps, input, options),
    } satisfies AppEvents);
    app.addHook('onClose', async () => hub.close());
  },
  { name: 'events', dependencies: ['prisma', 'redis'] },
);
