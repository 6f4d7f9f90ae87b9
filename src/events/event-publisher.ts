import type { Redis } from 'ioredis';
import type { Db, DbTx } from '../db/prisma-client.ts';
import type { RunEvent, RunEventType } from './run-event-map.ts';
import { appendRunEvent, findRunEvent, waitForRunRowLock, type AppendRunEventInput } from './run-events.repository.ts';

export interface EventPublisherDeps {
  db: Db;
  /** A command connection (never one in subscriber mode). */
  redis: Redis;
  redisPrefix: string;
}

export interface PublishRunEventOptions {
  /**
   * The caller's open transaction: the event commits (or rolls back) with the caller's own
   * writes, e.g. the status change it announces. It is announced on Redis only once that
   * transaction has committed, in the background, so the caller's `await` never waits for it.
   */
  tx?: DbTx;
}

/** One channel per team; run subscribers filter by `runId`. */
export const teamEventsChannel = (redisPrefix: string, teamId: string) => `${redisPrefix}:events:team:${teamId}`;

/** Announces a committed event to every API process. */
export async function broadcastRunEvent(redis: Redis, redisPrefix: string, teamId: string, event: RunEvent): Promise<void> {
  await redis.publish(teamEventsChannel(redisPrefix, teamId), JSON.stringify(event));
}

/**
 * Stores the next numbered event of a run and announces it on Redis after commit. Used by the
 * API and by workers alike. Redis is only the fast path: subscribers notice a missing `seq`
 * and read it back from PostgreSQL, so a lost announcement delays an event, never loses it.
 */
export async function publishRunEvent<T extends RunEventType>(
  deps: EventPublisherDeps,
  input: AppendRunEventInput<T>,
  options: PublishRunEventOptions = {},
): Promise<RunEvent<T>> {
  if (options.tx) {
    const event = await appendRunEvent(options.tx, input);
    void announceWhenCommitted(deps, input.teamId, event as RunEvent).catch(() => {
      // Nothing to do: the event is in PostgreSQL (or was rolled back) and subscribers catch up.
    });
    return event;
  }
  const event = await deps.db.$transaction((tx) => appendRunEvent(tx, input));
  await broadcastRunEvent(deps.redis, deps.redisPrefix, input.teamId, event as RunEvent);
  return event;
}

/**
 * Prisma has no after-commit hook, so wait for the caller's transaction from outside: our
 * UPDATE holds the run row's lock until it ends, and FOR SHARE blocks until then. Then announce
 * the event only if the row committed is ours: after a rollback a later transaction may have
 * reused the number, and it announces its own event.
 */
async function announceWhenCommitted(deps: EventPublisherDeps, teamId: string, event: RunEvent): Promise<void> {
  await waitForRunRowLock(deps.db, event.runId);
  const committed = await findRunEvent(deps.db, event.runId, event.seq);
  if (committed && JSON.stringify(committed) === JSON.stringify(event)) {
    await broadcastRunEvent(deps.redis, deps.redisPrefix, teamId, committed);
  }
}
