import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, isRetryableConflict } from '../../src/db/transaction.ts';
import type { Db, DbTx } from '../../src/db/prisma-client.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';

/** Resolves once `count` parties have arrived: both transactions hold their first lock. */
function barrier(count: number) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === count) open();
    return opened;
  };
}

/**
 * A real PostgreSQL deadlock: two transactions lock two team rows in opposite orders, each
 * waiting for the other once it holds its first. PostgreSQL aborts one of them (40P01).
 * Run plainly, that abort reaches the caller (and, in a route, would answer 500); through
 * inTransaction the victim runs again once the other committed, and both go through.
 */
describe('inTransaction against a real deadlock', () => {
  let t: TestApp;
  let a: string;
  let b: string;
  beforeAll(async () => {
    t = await buildTestApp();
    [a, b] = [(await createTeam(t.config)).id, (await createTeam(t.config)).id];
  });
  afterAll(async () => t.close());

  const lock = (tx: DbTx, id: string) => tx.team.update({ where: { id }, data: { maxRunningRuns: null } });
  /** Locks `first` then `second`; waits at the barrier between them on the first attempt only. */
  const crossing = (first: string, second: string, meet: () => Promise<void>) => {
    let attempt = 0;
    return async (tx: DbTx) => {
      await lock(tx, first);
      if (attempt++ === 0) await meet();
      await lock(tx, second);
      return attempt;
    };
  };
  const plain = (db: Db, fn: (tx: DbTx) => Promise<number>) => db.$transaction(fn);

  it('fails one side with a deadlock when run as a plain transaction', async () => {
    const meet = barrier(2);
    const results = await Promise.allSettled([plain(t.app.db, crossing(a, b, meet)), plain(t.app.db, crossing(b, a, meet))]);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(isRetryableConflict((failed[0] as PromiseRejectedResult).reason)).toBe(true);
  });

  it('retries the deadlock victim until both commit', async () => {
    const meet = barrier(2);
    const attempts = await Promise.all([inTransaction(t.app.db, crossing(a, b, meet)), inTransaction(t.app.db, crossing(b, a, meet))]);
    // One went through at once, the victim on its second attempt.
    expect(attempts.sort()).toEqual([1, 2]);
  });
});
