import type { Db, DbTx } from './prisma-client.ts';

/** PostgreSQL's codes for a transaction it aborted to resolve a conflict: run it again and it goes through. */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);
/** Prisma's code for the same ("write conflict or a deadlock"). */
const PRISMA_CONFLICT = 'P2034';

/** Attempts in all, and the base of the randomised back-off between them. */
const ATTEMPTS = 5;
const BACKOFF_MS = 15;

/**
 * Runs `fn` in one interactive transaction, again from the start when PostgreSQL aborted it
 * as a deadlock victim or a serialization failure: those aborts roll everything back, so a
 * retry is safe, and they are a fact of concurrent use, never the client's fault (they must
 * not surface as a 500). Row locks are still taken in one order everywhere (team, then run:
 * see quotas.repository.ts and run-state-machine.ts), so retries stay rare.
 */
export async function inTransaction<T>(db: Db, fn: (tx: DbTx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction((tx) => fn(tx));
    } catch (err) {
      if (attempt >= ATTEMPTS || !isRetryableConflict(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS * attempt * (0.5 + Math.random())));
    }
  }
}

/** Whether `err`, from Prisma or the pg driver under it, is a deadlock or serialization abort. */
export function isRetryableConflict(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, meta, cause, message } = e as { code?: unknown; meta?: { code?: unknown }; cause?: unknown; message?: unknown };
    if (code === PRISMA_CONFLICT || RETRYABLE_SQLSTATES.has(String(code)) || RETRYABLE_SQLSTATES.has(String(meta?.code))) return true;
    if (typeof message === 'string' && /deadlock detected|could not serialize access/.test(message)) return true;
    e = cause ?? (e as { originalError?: unknown }).originalError;
  }
  return false;
}
