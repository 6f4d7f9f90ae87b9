import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createPrismaClient, type Db } from '../../src/db/prisma-client.ts';
import { RunLeases } from '../../workers/run-lease.ts';
import { ownedRuns } from '../../workers/run-leases.repository.ts';

/** The PostgreSQL-side guard that no run is trained by two workers at once. */
describe('RunLeases', () => {
  const url = process.env.DATABASE_URL!;
  let db: Db;
  const open: RunLeases[] = [];
  const leases = async (onLost?: (runIds: string[]) => void) => {
    const l = new RunLeases(url, onLost);
    await l.connect();
    open.push(l);
    return l;
  };

  beforeAll(() => {
    db = createPrismaClient(url);
  });
  afterAll(async () => {
    await Promise.all(open.map((l) => l.close()));
    await db.$disconnect();
  });

  it('gives a run to one worker only, until that worker releases it', async () => {
    const [a, b] = [await leases(), await leases()];
    const runId = randomUUID();
    expect(await a.tryAcquire(runId)).toBe(true);
    expect(await a.tryAcquire(runId)).toBe(true); // its own: still true
    expect(await b.tryAcquire(runId)).toBe(false);
    expect(await ownedRuns(db, [runId, randomUUID()])).toEqual(new Set([runId]));
    await a.release(runId);
    expect(await ownedRuns(db, [runId])).toEqual(new Set());
    expect(await b.tryAcquire(runId)).toBe(true);
  });

  it('frees the runs of a worker whose connection died, and tells that worker', async () => {
    const lost: string[][] = [];
    const dying = await leases((runIds) => lost.push(runIds));
    const other = await leases();
    const runId = randomUUID();
    expect(await dying.tryAcquire(runId)).toBe(true);
    // What a SIGKILL does to the worker's connection: the session holding the lock ends.
    const [{ pid }] = await db.$queryRaw<{ pid: number }[]>`
      SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
        AND objid::bigint = (hashtextextended(${'trainyard:run:' + runId}, 0) & 4294967295)`;
    await db.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
    await waitUntil(() => other.tryAcquire(runId));
    await waitUntil(async () => lost.length === 1);
    expect(lost).toEqual([[runId]]);
    expect(await dying.tryAcquire(randomUUID())).toBe(false);
  });

  it('runs one exclusive section at a time across processes', async () => {
    const [a, b] = [await leases(), await leases()];
    let release!: () => void;
    const inside = a.exclusive(() => new Promise<string>((r) => (release = () => r('a ran'))));
    await waitUntil(async () => release !== undefined);
    expect(await b.exclusive(async () => 'b ran')).toBeNull();
    release();
    expect(await inside).toBe('a ran');
    expect(await b.exclusive(async () => 'b ran')).toBe('b ran');
  });
});

async function waitUntil(probe: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
