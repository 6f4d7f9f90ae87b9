import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import request from 'supertest';
import { Redis } from 'ioredis';
import { ensureTrainJob } from '../../src/jobs/train-queue.ts';
import { startWorker, type RunningWorker } from '../../workers/worker-runtime.ts';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from './harness.ts';
import { createPrivateDatabase, type PrivateDatabase } from './fixtures/private-database.ts';
import { slowRunSpec, submitRun, uploadRegression, waitFor } from './durability-fixture.ts';

/**
 * Redis loses everything this deployment had (its keys: other engineers share the Redis)
 * while one run trains and another waits. PostgreSQL is the source of truth: the reconciler
 * puts the lost job back, the running run is finished by the worker that owns it, and a
 * job wrongly added again for that run is refused by a second worker.
 *
 * The reconciler looks at every run in its database, so this file gets a database of its own.
 */

describe('a Redis flush loses nothing', () => {
  let stack: Stack;
  let second: RunningWorker | undefined;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let database: PrivateDatabase;

  beforeAll(async () => {
    database = await createPrivateDatabase();
    stack = await startStack({ DATABASE_URL: database.url, RECONCILE_INTERVAL_S: '1' });
    team = await createTeam(stack.config);
  }, 90_000);
  afterAll(async () => {
    await second?.close();
    await stack?.close();
    await database?.drop();
  });

  it('finishes the running run on its own worker, re-queues the waiting one from PostgreSQL, and never trains a run twice at once', async () => {
    const epochs = 6;
    const datasetId = await uploadRegression(stack.app.server, team.auth);
    const running = await submitRun(stack.app.server, team.auth, slowRunSpec(datasetId, epochs));
    const waiting = await submitRun(stack.app.server, team.auth, slowRunSpec(datasetId, 2));
    await waitFor('epoch 1 of the first run', async () => (await stack.app.db.epochMetric.count({ where: { runId: running } })) >= 1);
    expect((await stack.app.db.run.findUniqueOrThrow({ where: { id: waiting } })).status).toBe('queued');

    // FLUSHDB, limited to this deployment's prefix.
    const redis = new Redis(stack.config.redisUrl);
    let flushed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${stack.config.redisPrefix}:*`, 'COUNT', 500);
      if (keys.length) flushed += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
    expect(flushed).toBeGreaterThan(0);
    expect(await stack.app.queues.train.getJob(waiting)).toBeUndefined();

    // The worst case: a job for the running run comes back too, and a second worker takes it.
    second = await startWorker(stack.config, pino({ level: 'silent' }));
    await ensureTrainJob(stack.app.queues.train, running, 50);

    const finished = (runId: string) =>
      waitFor(`run ${runId} to finish`, async () => {
        const run = await stack.app.db.run.findUniqueOrThrow({ where: { id: runId } });
        return ['completed', 'failed', 'canceled'].includes(run.status) ? run : null;
      }, 50_000);
    expect((await finished(running)).status).toBe('completed');
    expect((await finished(waiting)).status).toBe('completed');

    for (const [runId, n] of [[running, epochs], [waiting, 2]] as const) {
      const metrics = await request(stack.app.server).get(`/v1/runs/${runId}/metrics`).set(team.auth);
      expect(metrics.body.epochs.map((e: { epoch: number }) => e.epoch)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
    // Trained by one worker, once: one `running` status, each epoch event once.
    const events = await stack.app.db.runEvent.findMany({ where: { runId: running }, orderBy: { seq: 'asc' } });
    const statuses = events.filter((e) => e.type === 'status').map((e) => (e.data as { status: string; workerId?: string }));
    expect(statuses.map((s) => s.status)).toEqual(['queued', 'running', 'completed']);
    expect(statuses[1].workerId).toBe(stack.worker.workerId);
    expect(events.filter((e) => e.type === 'epoch').map((e) => (e.data as { epoch: number }).epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));

    const trace = await stack.app.db.runEvent.findMany({ where: { runId: waiting, type: 'log' } });
    expect(trace.map((e) => (e.data as { message: string }).message)).toContainEqual(expect.stringContaining('the queue had lost this run'));
  });
});
