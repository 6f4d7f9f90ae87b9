import { afterAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { waitFor } from '../e2e/durability-fixture.ts';
import { linearRun, uploadTable } from '../quotas/fixtures.ts';
import { createExperiment } from './experiment-fixture.ts';

const SWEEP = 30;

/**
 * Trials are runs in their team's fair share: a team's 30-trial sweep, all 30 queued at once
 * on a single worker slot, does not starve another team's single run submitted after it. In
 * first-come order that run would wait for all 30; in fair share it waits for about one.
 */
describe('fair share between a big sweep and a single run', () => {
  let stack: Stack | undefined;
  let driving: NodeJS.Timeout | undefined;
  afterAll(async () => {
    clearInterval(driving);
    await stack?.close();
  });

  it("starts the other team's run ahead of all but at most one of the sweep's waiting trials", async () => {
    stack = await startStack({ WORKER_CONCURRENCY: '1' });
    const s = stack;
    const [a, b] = [await createTeam(s.config), await createTeam(s.config)];
    const aData = (await uploadTable(s.app.server, a.auth)).body.id as string;
    const bData = (await uploadTable(s.app.server, b.auth)).body.id as string;
    const sweep = await createExperiment(s.app.server, a.auth, {
      name: 'big-sweep',
      base: linearRun(aData, { epochs: 10 }),
      space: { 'compile.optimizer.learningRate': { type: 'uniform', low: 0.001, high: 0.01 } },
      searcher: { type: 'random' },
      metric: { name: 'loss', mode: 'min' },
      maxTrials: SWEEP,
      maxConcurrentTrials: SWEEP,
      seed: 3,
    });
    driving = setInterval(() => void s.app.experimentDriver.pass({ teamId: a.id }).catch(() => undefined), 100);
    const db = s.app.db;
    // The whole sweep is in the queue before B comes.
    await waitFor('every trial queued', async () => (await db.run.count({ where: { experimentId: sweep.id } })) === SWEEP, 60_000, 100);

    const single = await request(s.app.server).post('/v1/runs').set(b.auth).send(linearRun(bData, { epochs: 1 }));
    expect(single.status).toBe(201);
    const done = await waitFor('the single run to finish', async () => {
      const run = await db.run.findUniqueOrThrow({ where: { id: single.body.id } });
      return ['completed', 'failed', 'canceled'].includes(run.status) ? run : null;
    }, 120_000, 200);
    expect(done.status).toBe('completed');

    const sweepRuns = await db.run.findMany({ where: { experimentId: sweep.id }, select: { startedAt: true } });
    const notStartedWhenBCame = sweepRuns.filter((r) => r.startedAt === null || r.startedAt > done.createdAt);
    // Enough of the sweep still waited that first-come order would have made B wait long.
    expect(notStartedWhenBCame.length).toBeGreaterThanOrEqual(10);
    // In fair share, at most the one trial that shared B's band (first in its team) went before it.
    const startedAhead = notStartedWhenBCame.filter((r) => r.startedAt !== null && r.startedAt < done.startedAt!);
    expect(startedAhead.length).toBeLessThanOrEqual(1);
    expect((await db.experiment.findUniqueOrThrow({ where: { id: sweep.id } })).status).toBe('running');
    await request(s.app.server).post(`/v1/experiments/${sweep.id}/cancel`).set(a.auth).expect(200);
  }, 180_000);
});
