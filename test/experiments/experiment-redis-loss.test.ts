import { afterAll, describe, expect, it } from 'vitest';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { createPrivateDatabase, type PrivateDatabase } from '../e2e/fixtures/private-database.ts';
import { uploadRegression, waitFor } from '../e2e/durability-fixture.ts';
import { startPrivateRedis, type PrivateRedis } from '../e2e/fixtures/private-redis.ts';
import { createExperiment, experimentBody } from './experiment-fixture.ts';

/**
 * Redis lost mid-experiment: a private Redis without persistence (never the shared one) is
 * killed while trials train and an empty one takes its port. Queue jobs, locks and pub/sub are
 * gone; the searcher's state is in PostgreSQL, so the experiment completes with exactly
 * maxTrials trials, none lost and none created twice, each created and completed once.
 */
describe('an experiment across the loss of Redis', () => {
  let stack: Stack | undefined;
  let database: PrivateDatabase | undefined;
  let redis: PrivateRedis | undefined;
  let driving: NodeJS.Timeout | undefined;
  afterAll(async () => {
    clearInterval(driving);
    await stack?.close();
    await database?.drop();
    await redis?.stop();
  }, 60_000);

  it('completes with exactly maxTrials trials, each created, trained and completed once', async () => {
    redis = await startPrivateRedis();
    database = await createPrivateDatabase();
    stack = await startStack({ DATABASE_URL: database.url, REDIS_URL: redis.url, WORKER_CONCURRENCY: '2', RECONCILE_INTERVAL_S: '1', WORKER_STALL_TIMEOUT_MS: '3000', WORKER_HEARTBEAT_TTL_S: '3' });
    const s = stack;
    const team = await createTeam(s.config);
    const datasetId = await uploadRegression(s.app.server, team.auth, 400);
    const exp = await createExperiment(s.app.server, team.auth, experimentBody(datasetId, { space: { 'compile.optimizer.learningRate': { type: 'uniform', low: 0.001, high: 0.02 } }, searcher: { type: 'random' }, maxTrials: 6, maxConcurrentTrials: 3 }));
    driving = setInterval(() => void s.app.experimentDriver.pass({ teamId: team.id }).catch(() => undefined), 100);
    const db = s.app.db;
    const epochsOf = async (runIds: string[]) => db.epochMetric.count({ where: { runId: { in: runIds } } });
    // Lost while two trials train (their jobs' locks in Redis) and a third waits (its job only in Redis).
    await waitFor('two trials training and one queued', async () => {
      const runs = await db.run.findMany({ where: { experimentId: exp.id }, select: { id: true, status: true } });
      const training = runs.filter((r) => r.status === 'running');
      return training.length === 2 && runs.some((r) => r.status === 'queued') && (await epochsOf(training.map((r) => r.id))) >= 1;
    }, 60_000, 50);

    await redis.restart();

    await waitFor('the experiment to complete', async () => ((await db.experiment.findUniqueOrThrow({ where: { id: exp.id } })).status === 'completed' ? true : null), 240_000, 200);
    const trials = await db.trial.findMany({ where: { experimentId: exp.id }, orderBy: { index: 'asc' } });
    expect(trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const runs = await db.run.findMany({ where: { experimentId: exp.id }, select: { id: true, status: true, error: true } });
    expect(trials.map((t) => t.state), JSON.stringify(runs)).toEqual(Array(6).fill('completed'));
    expect(runs.map((r) => r.status)).toEqual(Array(6).fill('completed'));
    // Every run trained its epochs once each: none restarted from scratch into duplicate rows.
    for (const t of trials) expect((await db.epochMetric.findMany({ where: { runId: t.runId }, orderBy: { epoch: 'asc' } })).map((e) => e.epoch)).toEqual([1, 2]);
    const events = await db.experimentEvent.findMany({ where: { experimentId: exp.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const ids = (type: string) => events.filter((e) => e.type === type).map((e) => (e.data as { trialId: string }).trialId).sort();
    expect(ids('trial_created')).toEqual(trials.map((t) => t.id).sort());
    expect(ids('trial_completed')).toEqual(trials.map((t) => t.id).sort());
  }, 300_000);
});
