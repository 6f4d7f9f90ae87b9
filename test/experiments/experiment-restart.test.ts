import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { createPrivateDatabase, type PrivateDatabase } from '../e2e/fixtures/private-database.ts';
import { uploadRegression, waitFor } from '../e2e/durability-fixture.ts';
import { createExperiment, experimentBody } from './experiment-fixture.ts';

/**
 * The API (with its driver) and the worker closed mid-experiment and started again on the same
 * database, Redis prefix and storage: no trial lost, none created twice, the experiment
 * completes with exactly maxTrials trials, and its event stream has each trial once.
 */
describe('an experiment across a restart of the API and the worker', () => {
  let stack: Stack | undefined;
  let database: PrivateDatabase | undefined;
  let driving: NodeJS.Timeout | undefined;
  afterAll(async () => {
    clearInterval(driving);
    await stack?.close();
    await database?.drop();
  });

  it('completes with exactly maxTrials trials, each created and completed once', async () => {
    database = await createPrivateDatabase();
    const shared = { DATABASE_URL: database.url, REDIS_PREFIX: `tyrestart-${randomUUID().slice(0, 8)}`, STORAGE_DIR: await mkdtemp(path.join(os.tmpdir(), 'trainyard-restart-')), WORKER_CONCURRENCY: '2', RECONCILE_INTERVAL_S: '1' };
    stack = await startStack(shared);
    const team = await createTeam(stack.config);
    const drive = (s: Stack) => setInterval(() => void s.app.experimentDriver.pass({ teamId: team.id }).catch(() => undefined), 100);
    const datasetId = await uploadRegression(stack.app.server, team.auth, 400);
    const exp = await createExperiment(stack.app.server, team.auth, experimentBody(datasetId, { space: { 'compile.optimizer.learningRate': { type: 'uniform', low: 0.001, high: 0.02 } }, searcher: { type: 'random' }, maxTrials: 5, maxConcurrentTrials: 2 }));
    driving = drive(stack);
    const db = stack.app.db;
    await waitFor('two trials to train', async () => ((await db.trial.count({ where: { experimentId: exp.id, state: 'running' } })) >= 2 ? true : null), 60_000, 100);

    clearInterval(driving);
    // Closed as a deployment stops them: Redis and the storage directory stay (stack.close would remove both).
    await stack.worker.close();
    await stack.app.close();
    stack = await startStack(shared);
    driving = drive(stack);
    const db2 = stack.app.db;
    await waitFor('the experiment to complete', async () => ((await db2.experiment.findUniqueOrThrow({ where: { id: exp.id } })).status === 'completed' ? true : null), 240_000, 200);

    const trials = await db2.trial.findMany({ where: { experimentId: exp.id }, orderBy: { index: 'asc' } });
    expect(trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4]);
    const runs = await db2.run.findMany({ where: { experimentId: exp.id }, select: { id: true, status: true, error: true } });
    expect(trials.map((t) => t.state), JSON.stringify(runs)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed']);
    expect(await db2.run.count({ where: { experimentId: exp.id } })).toBe(5);
    const events = await db2.experimentEvent.findMany({ where: { experimentId: exp.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const ids = (type: string) => events.filter((e) => e.type === type).map((e) => (e.data as { trialId: string }).trialId).sort();
    expect(ids('trial_created')).toEqual(trials.map((t) => t.id).sort());
    expect(ids('trial_completed')).toEqual(trials.map((t) => t.id).sort());
  }, 300_000);
});
