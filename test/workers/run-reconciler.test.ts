import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueName } from '../../src/jobs/job-contracts.ts';
import { bullPrefix } from '../../src/jobs/train-queue.ts';
import { RunLeases } from '../../workers/run-lease.ts';
import { reconcileRuns, type ReconcilerDeps } from '../../workers/run-reconciler.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { slowRunSpec, submitRun, uploadRegression } from '../e2e/durability-fixture.ts';

/**
 * The reconciler against the real PostgreSQL and Redis, with no worker: which runs get their
 * job back. The test database is shared with other test files, so assertions look only at
 * this file's runs (and nothing consumes this file's queue).
 */
describe('reconcileRuns', () => {
  let t: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let leases: RunLeases;
  let workerLeases: RunLeases;
  let deps: ReconcilerDeps;
  let datasetId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
    leases = new RunLeases(t.config.databaseUrl);
    workerLeases = new RunLeases(t.config.databaseUrl);
    await Promise.all([leases.connect(), workerLeases.connect()]);
    deps = { db: t.app.db, redis: t.app.redis, redisPrefix: t.config.redisPrefix, queue: t.app.queues.train, leases, log: pino({ level: 'silent' }) };
    datasetId = await uploadRegression(t.app.server, team.auth, 20);
  });
  afterAll(async () => {
    await Promise.all([leases?.close(), workerLeases?.close()]);
    await t?.close();
  });

  const jobState = async (runId: string) => (await t.app.queues.train.getJob(runId))?.getState() ?? 'missing';

  it('gives queued runs and ownerless running runs their job back, and leaves owned, paused and finished runs alone', async () => {
    const submit = () => submitRun(t.app.server, team.auth, slowRunSpec(datasetId, 1));
    const [queued, orphaned, owned, paused, done] = await Promise.all([submit(), submit(), submit(), submit(), submit()]);
    await t.app.db.run.update({ where: { id: orphaned }, data: { status: 'running', workerId: 'dead-worker' } });
    await t.app.db.run.update({ where: { id: owned }, data: { status: 'running', workerId: 'live-worker' } });
    expect(await workerLeases.tryAcquire(owned)).toBe(true);
    await t.app.db.run.update({ where: { id: paused }, data: { status: 'paused' } });
    await t.app.db.run.update({ where: { id: done }, data: { status: 'completed' } });
    // Redis loses everything (only this test's keys).
    for (const id of [queued, orphaned, owned, paused, done]) await (await t.app.queues.train.getJob(id))?.remove();

    const result = await reconcileRuns(deps);
    expect(result).not.toBeNull();
    const mine = result!.requeued.filter((id) => [queued, orphaned, owned, paused, done].includes(id)).sort();
    expect(mine).toEqual([queued, orphaned].sort());
    expect(['waiting', 'prioritized']).toContain(await jobState(queued));
    expect(['waiting', 'prioritized']).toContain(await jobState(orphaned));
    for (const id of [owned, paused, done]) expect(await jobState(id)).toBe('missing');

    const trace = await t.app.db.runEvent.findMany({ where: { runId: queued, type: 'log' } });
    expect(trace.map((e) => (e.data as { message: string }).message)).toEqual([expect.stringContaining('the queue had lost this run')]);

    // Idempotent: nothing more to do for these runs.
    const again = await reconcileRuns(deps);
    expect(again!.requeued.filter((id) => [queued, orphaned].includes(id))).toEqual([]);

    // Once the owner is gone, its run is ownerless too.
    await workerLeases.release(owned);
    expect((await reconcileRuns(deps))!.requeued).toContain(owned);
  });

  it('replaces a finished job left over from an earlier stint of a run that is queued again', async () => {
    const runId = await submitRun(t.app.server, team.auth, slowRunSpec(datasetId, 1));
    // An earlier stint ended the job (e.g. a pause) while PostgreSQL holds the run as queued again.
    const finisher = new Worker(QueueName.train, async () => 'paused', { connection: new Redis(t.config.redisUrl, { maxRetriesPerRequest: null }), prefix: bullPrefix(t.config.redisPrefix) });
    await new Promise<void>((resolve) => finisher.on('completed', (job) => job.id === runId && resolve()));
    await finisher.close();
    expect(await jobState(runId)).toBe('completed');

    const result = await reconcileRuns(deps);
    expect(result!.requeued).toContain(runId);
    expect(['waiting', 'prioritized']).toContain(await jobState(runId));
  });

  it('runs one reconciler at a time', async () => {
    let release!: () => void;
    const holding = workerLeases.exclusive(() => new Promise<void>((r) => (release = r)));
    while (!release) await new Promise((r) => setTimeout(r, 20));
    expect(await reconcileRuns(deps)).toBeNull();
    release();
    await holding;
    expect(await reconcileRuns(deps)).not.toBeNull();
  });
});

