import type { Redis } from 'ioredis';
import { teamEventsChannel } from './event-publisher.ts';

/**
 * Transient progress within an epoch: how many of the epoch's training batches are done. Unlike
 * a {@link RunEvent} it has no `seq` and is never stored: it goes out on the team's Redis channel
 * to the subscribers listening at that moment (those who asked with `?progress=true`), so a
 * replay with `since=` is the same with or without it, and a lost one is simply superseded by
 * the next. Workers send one at most every BATCH_PROGRESS_INTERVAL_S.
 */
export interface RunProgress {
  type: 'progress';
  runId: string;
  at: string;
  /** The epoch in progress (1-based, run-wide). */
  epoch: number;
  /** Batches of `epoch` trained so far. */
  batch: number;
  /** Training batches per epoch. */
  batches: number;
}

export function isRunProgress(message: unknown): message is RunProgress {
  const m = message as Partial<RunProgress> | null;
  return m?.type === 'progress' && typeof m.runId === 'string' && Number.isInteger(m.epoch) && Number.isInteger(m.batch) && Number.isInteger(m.batches);
}

/** Announces progress to every API process; fire-and-forget by design (nothing to catch up from). */
export async function broadcastRunProgress(redis: Redis, redisPrefix: string, teamId: string, progress: Omit<RunProgress, 'type' | 'at'>): Promise<void> {
  const message: RunProgress = { type: 'progress', runId: progress.runId, at: new Date().toISOString(), epoch: progress.epoch, batch: progress.batch, batches: progress.batches };
  await redis.publish(teamEventsChannel(redisPrefix, teamId), JSON.stringify(message));
}
