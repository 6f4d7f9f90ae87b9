import type { Redis } from 'ioredis';
import type { Db, DbTx } from '../db/prisma-client.ts';
import { inTransaction } from '../db/transaction.ts';
import { teamEventsChannel } from '../events/event-publisher.ts';
import type { ExperimentEventMap, ExperimentEventType } from './experiment-event-map.ts';
import { appendExperimentEvent } from './experiment-events.repository.ts';

export interface ExperimentEventDeps {
  db: Db;
  redis: Redis;
  redisPrefix: string;
}

/** An event to record with a change; `null` when the change turned out to announce nothing. */
export type EventOf<R> = (result: R) => { [K in ExperimentEventType]: { type: K; data: ExperimentEventMap[K] } }[ExperimentEventType] | null;

/**
 * Makes a change to an experiment or its trials and records the event announcing it in the
 * same transaction: a driver that dies mid-pass either did both or neither, so a restart
 * re-does the change with its event, never one without the other (no lost or doubled event).
 * Then announces it on the team's channel, where run events go too; as for runs, Redis is
 * only the fast path and subscribers read gaps back from PostgreSQL.
 */
export async function changeWithEvent<R>(deps: ExperimentEventDeps, experimentId: string, change: (tx: DbTx) => Promise<R>, eventOf: EventOf<R>): Promise<R> {
  const { result, published } = await inTransaction(deps.db, async (tx) => {
    const result = await change(tx);
    const ev = eventOf(result);
    return { result, published: ev ? await appendExperimentEvent(tx, { experimentId, ...ev }) : null };
  });
  if (published) {
    await deps.redis.publish(teamEventsChannel(deps.redisPrefix, published.teamId), JSON.stringify(published.event)).catch(() => {
      // Subscribers notice the missing seq at the next event or reconnect and read it back.
    });
  }
  return result;
}
