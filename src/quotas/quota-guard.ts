import type { DbTx } from '../db/prisma-client.ts';
import { AppError } from '../errors/app-error.ts';
import { countTeamRuns, findTeamQuota, lockTeamQuota, teamStoredBytes } from './quotas.repository.ts';

/**
 * The checks behind the per-team limits set with `admin set-quota`. Each one runs inside the
 * caller's transaction, after locking the team row, so the check and the write it guards
 * commit together (see `lockTeamQuota`).
 */
export class QuotaGuard {
  /** @param retryAfterS what a refused client is told to wait (Retry-After). */
  constructor(private readonly retryAfterS: number) {}

  /** 429 QUOTA_EXCEEDED when the team already has `maxQueuedRuns` runs waiting. */
  async assertCanQueueRun(tx: DbTx, teamId: string): Promise<void> {
    const quota = await lockTeamQuota(tx, teamId);
    if (quota?.maxQueuedRuns == null) return;
    const queued = await countTeamRuns(tx, teamId, 'queued');
    if (queued >= quota.maxQueuedRuns) {
      throw this.exceeded('queuedRuns', `The team already has ${queued} queued run(s), its limit; wait for some to start or cancel one`, {
        limit: quota.maxQueuedRuns,
        current: queued,
      });
    }
  }

  /**
   * 429 QUOTA_EXCEEDED when storing `incomingBytes` more would take the team past
   * `maxStoredBytes`. Called with 0 before an upload is read (refusing a team already at its
   * limit without receiving the body) and with the parsed size before the row is written.
   */
  async assertCanStore(tx: DbTx, teamId: string, incomingBytes: number | bigint): Promise<void> {
    const quota = await lockTeamQuota(tx, teamId);
    if (quota?.maxStoredBytes == null) return;
    const stored = await teamStoredBytes(tx, teamId);
    const incoming = BigInt(incomingBytes);
    const full = incoming === 0n ? stored >= quota.maxStoredBytes : stored + incoming > quota.maxStoredBytes;
    if (full) {
      throw this.exceeded('storedBytes', `The team stores ${stored} bytes of its ${quota.maxStoredBytes} byte limit${incoming > 0n ? `; this upload needs ${incoming} more` : ''}; delete datasets to make room`, {
        limit: Number(quota.maxStoredBytes),
        current: Number(stored),
        ...(incoming > 0n ? { requested: Number(incoming) } : {}),
      });
    }
  }

  /**
   * The team's stored-bytes limit and usage (null: no limit), read without the lock: it bounds
   * what an upload may write while it streams; the locked check before the row is written stays final.
   */
  async storeUsage(db: DbTx, teamId: string): Promise<{ limit: bigint; current: bigint } | null> {
    const limit = (await findTeamQuota(db, teamId))?.maxStoredBytes;
    if (limit == null) return null;
    return { limit, current: await teamStoredBytes(db, teamId) };
  }

  /** The 429 for an upload stopped while being written, once it needed `requestedBytes` more than `usage` leaves. */
  storageExceeded(requestedBytes: number, usage: { limit: bigint; current: bigint }): AppError {
    return this.exceeded('storedBytes', `The team stores ${usage.current} bytes of its ${usage.limit} byte limit; this upload needs more than the rest (stopped at ${requestedBytes} bytes); delete datasets to make room`, {
      limit: Number(usage.limit),
      current: Number(usage.current),
      requested: requestedBytes,
    });
  }

  private exceeded(quota: 'queuedRuns' | 'storedBytes', message: string, details: Record<string, number>): AppError {
    return new AppError('QUOTA_EXCEEDED', message, { quota, ...details }, { retryAfterS: this.retryAfterS });
  }
}

/**
 * Whether a queued run of the team may start now under `maxRunningRuns`. Used by workers
 * inside the transaction that marks the run running.
 */
export async function hasRunningSlot(tx: DbTx, teamId: string, runId: string): Promise<boolean> {
  const quota = await lockTeamQuota(tx, teamId);
  if (quota?.maxRunningRuns == null) return true;
  return (await countTeamRuns(tx, teamId, 'running', runId)) < quota.maxRunningRuns;
}
