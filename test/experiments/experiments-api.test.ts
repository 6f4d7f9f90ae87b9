import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { uploadRegression } from '../e2e/durability-fixture.ts';
import { startExperimentDriver } from '../../src/experiments/experiment-driver.ts';
import { createExperiment, experimentBody } from './experiment-fixture.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

/** Experiments without a worker: what POST refuses, and what the driver creates (and never twice). */
describe('experiments API (no worker)', () => {
  let t: TestApp;
  let alice: Team;
  let bob: Team;
  let datasetId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    alice = await createTeam(t.config);
    bob = await createTeam(t.config);
    datasetId = await uploadRegression(t.app.server, alice.auth, 40);
  });
  afterAll(async () => t?.close());

  const counts = async (teamId: string) => ({
    experiments: await t.app.db.experiment.count({ where: { teamId } }),
    runs: await t.app.db.run.count({ where: { teamId } }),
  });

  it.each([
    ['a layer that does not exist', { space: { 'model.layers[5].units': { type: 'int', low: 1, high: 4 } } }, 'INVALID_SPACE', 'model.layers[5].units'],
    ['a section that does not exist', { space: { 'compile.nothing.lr': { type: 'uniform', low: 0.1, high: 0.2 } } }, 'INVALID_SPACE', 'compile.nothing.lr'],
    ['a value out of range', { space: { 'fit.batchSize': { type: 'int', low: -4, high: 8 } } }, 'INVALID_SPACE', 'fit.batchSize'],
    ['a malformed path', { space: { 'model..layers': { type: 'int', low: 1, high: 4 } } }, 'INVALID_SPACE', 'model..layers'],
  ])('refuses %s with 400 naming the path, creating nothing', async (_what, overrides, code, path) => {
    const before = await counts(alice.id);
    const res = await request(t.app.server).post('/v1/experiments').set(alice.auth).send(experimentBody(datasetId, overrides));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details.path).toBe(path);
    expect(await counts(alice.id)).toEqual(before);
  });

  it.each([
    ['an unknown searcher', { searcher: { type: 'bayes' } }, 'searcher'],
    ['an inverted range', { space: { 'fit.batchSize': { type: 'int', low: 8, high: 2 } } }, 'fit.batchSize'],
    ['an empty range', { space: { 'compile.optimizer.learningRate': { type: 'uniform', low: 0.01, high: 0.01 } } }, 'compile.optimizer.learningRate'],
    ['an empty log range', { space: { 'compile.optimizer.learningRate': { type: 'logUniform', low: 0.01, high: 0.01 } } }, 'compile.optimizer.learningRate'],
    ['an empty choice', { space: { 'fit.batchSize': { type: 'choice', values: [] } } }, 'fit.batchSize'],
    ['asha with minEpochs over maxEpochs', { searcher: { type: 'asha', minEpochs: 5, maxEpochs: 2 } }, 'searcher'],
    ['a metric the trials do not report', { metric: { name: 'val_acc', mode: 'max' } }, 'metric'],
  ])('refuses %s with 400 VALIDATION_FAILED naming it, creating nothing', async (_what, overrides, named) => {
    const before = await counts(alice.id);
    const res = await request(t.app.server).post('/v1/experiments').set(alice.auth).send(experimentBody(datasetId, overrides));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.error.details)).toContain(named);
    expect(await counts(alice.id)).toEqual(before);
  });

  it("refuses a model the dataset cannot train (the run's own checks) and more concurrent trials than the quota", async () => {
    const badModel = experimentBody(datasetId, { space: { 'model.layers[1].units': { type: 'choice', values: [1, 3] } } });
    const res = await request(t.app.server).post('/v1/experiments').set(alice.auth).send(badModel);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_SPACE');
    await t.app.db.team.update({ where: { id: bob.id }, data: { maxQueuedRuns: 1 } });
    const bobData = await uploadRegression(t.app.server, bob.auth, 40);
    const over = await request(t.app.server).post('/v1/experiments').set(bob.auth).send(experimentBody(bobData, { maxConcurrentTrials: 2 }));
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ code: 'TRIALS_OVER_QUOTA', details: { path: 'maxConcurrentTrials', limit: 1 } });
    expect(await counts(bob.id)).toEqual({ experiments: 0, runs: 0 });
  });

  it('creates trials up to maxConcurrentTrials as tagged runs; a restarted driver neither loses nor duplicates any', async () => {
    const exp = await createExperiment(t.app.server, alice.auth, experimentBody(datasetId));
    expect(exp.maxTrials).toBe(4); // the grid has 4 points
    await t.app.experimentDriver.pass({ teamId: alice.id });
    let trials = await t.app.db.trial.findMany({ where: { experimentId: exp.id }, orderBy: { index: 'asc' } });
    expect(trials.map((tr) => tr.state)).toEqual(['running', 'running']);
    const runs = await t.app.db.run.findMany({ where: { experimentId: exp.id } });
    expect(runs.map((r) => r.id).sort()).toEqual(trials.map((tr) => tr.runId).sort());
    expect(runs.every((r) => r.status === 'queued')).toBe(true);

    // A driver that died after writing a trial row but before its run: the next one creates exactly that run.
    await t.app.db.trial.create({ data: { experimentId: exp.id, index: 2, runId: '00000000-0000-4000-8000-00000000a002', values: { 'compile.optimizer.learningRate': 0.01, 'model.layers[0].units': 4 }, state: 'pending' } });
    const second = startExperimentDriver(Object.assign(Object.create(t.app), { redisPrefix: t.config.redisPrefix }), t.app.log, 0);
    await second.pass({ teamId: alice.id });
    await second.pass({ teamId: alice.id });
    await second.stop();
    trials = await t.app.db.trial.findMany({ where: { experimentId: exp.id }, orderBy: { index: 'asc' } });
    expect(trials.map((tr) => tr.index)).toEqual([0, 1, 2]);
    expect(await t.app.db.run.count({ where: { experimentId: exp.id } })).toBe(3);
    expect((await t.app.db.run.findUnique({ where: { id: '00000000-0000-4000-8000-00000000a002' } }))?.spec).toMatchObject({ model: { layers: [{ units: 4 }, {}] }, compile: { optimizer: { learningRate: 0.01 } } });
    expect(await t.app.queues.train.getJob('00000000-0000-4000-8000-00000000a002')).toBeDefined();

    const got = await request(t.app.server).get(`/v1/experiments/${exp.id}`).set(alice.auth);
    expect(got.body).toMatchObject({ status: 'running', trials: { running: 3, pending: 0 }, bestTrialId: null });
    const listed = await request(t.app.server).get(`/v1/experiments/${exp.id}/trials`).set(alice.auth);
    expect(listed.body.trials.map((tr: { values: object }) => tr.values)).toEqual([
      { 'compile.optimizer.learningRate': 0.001, 'model.layers[0].units': 4 },
      { 'compile.optimizer.learningRate': 0.001, 'model.layers[0].units': 8 },
      { 'compile.optimizer.learningRate': 0.01, 'model.layers[0].units': 4 },
    ]);
    expect((await request(t.app.server).get(`/v1/experiments/${exp.id}`).set(bob.auth)).status).toBe(404);
    expect((await request(t.app.server).delete(`/v1/experiments/${exp.id}`).set(alice.auth)).status).toBe(409);

    const canceled = await request(t.app.server).post(`/v1/experiments/${exp.id}/cancel`).set(alice.auth);
    expect(canceled.body).toMatchObject({ status: 'canceled', trials: { canceled: 3 } });
    expect((await t.app.db.run.findMany({ where: { experimentId: exp.id } })).map((r) => r.status)).toEqual(['canceled', 'canceled', 'canceled']);
    // The stream says so: the experiment canceled, and each trial's end, once.
    const events = await t.app.db.experimentEvent.findMany({ where: { experimentId: exp.id }, orderBy: { seq: 'asc' } });
    expect(events.filter((e) => e.type === 'status').map((e) => e.data)).toEqual([{ status: 'canceled' }]);
    const ended = events.filter((e) => e.type === 'trial_completed').map((e) => e.data as { trialId: string; state: string });
    expect(ended.map((e) => e.trialId).sort()).toEqual(trials.map((tr) => tr.id).sort());
    expect(ended.every((e) => e.state === 'canceled')).toBe(true);
    expect((await request(t.app.server).post(`/v1/experiments/${exp.id}/cancel`).set(alice.auth)).status).toBe(409);
    expect((await request(t.app.server).get(`/v1/experiments/${exp.id}/best/model/model.json`).set(alice.auth)).status).toBe(409);
    expect((await request(t.app.server).delete(`/v1/experiments/${exp.id}`).set(alice.auth)).status).toBe(204);
    expect(await t.app.db.run.count({ where: { id: { in: trials.map((tr) => tr.runId) } } })).toBe(3);
  });

  it('pause stops launching trials and pauses their runs; resume continues; extend checks its input; delete waits for the end', async () => {
    const carol = await createTeam(t.config);
    const data = await uploadRegression(t.app.server, carol.auth, 40);
    const body = experimentBody(data, { space: { 'compile.optimizer.learningRate': { type: 'uniform', low: 0.001, high: 0.01 } }, searcher: { type: 'random' }, maxTrials: 4 });
    const exp = await createExperiment(t.app.server, carol.auth, body);
    const post = (action: string, payload?: object) => request(t.app.server).post(`/v1/experiments/${exp.id}/${action}`).set(carol.auth).send(payload);
    const trials = () => t.app.db.trial.findMany({ where: { experimentId: exp.id }, orderBy: { index: 'asc' } });
    const runStatuses = async () => (await t.app.db.run.findMany({ where: { experimentId: exp.id }, orderBy: { createdAt: 'asc' } })).map((r) => r.status);
    await t.app.experimentDriver.pass({ teamId: carol.id });
    expect(await runStatuses()).toEqual(['queued', 'queued']);

    expect((await post('pause')).body.status).toBe('paused');
    expect(await runStatuses()).toEqual(['paused', 'paused']);
    expect((await post('pause')).status).toBe(409);
    expect((await request(t.app.server).delete(`/v1/experiments/${exp.id}`).set(carol.auth)).status).toBe(409);
    // A trial ends while the experiment is paused: its place stays empty, no new trial is launched.
    const [first] = await trials();
    await request(t.app.server).post(`/v1/runs/${first!.runId}/cancel`).set(carol.auth).expect(200);
    await t.app.experimentDriver.pass({ teamId: carol.id });
    expect((await trials()).map((tr) => tr.index)).toEqual([0, 1]);

    expect((await post('resume')).body.status).toBe('running');
    expect((await post('resume')).status).toBe(409);
    expect(await runStatuses()).toEqual(['canceled', 'queued']);
    const second = (await trials())[1]!;
    expect(await t.app.queues.train.getJob(second.runId)).toBeDefined();
    // Running again, the driver fills the free place with the next trial.
    await t.app.experimentDriver.pass({ teamId: carol.id });
    expect((await trials()).map((tr) => [tr.index, tr.state])).toEqual([[0, 'canceled'], [1, 'running'], [2, 'running']]);

    for (const [payload, path] of [[{ maxTrials: 3 }, 'maxTrials'], [{ maxEpochs: 9 }, 'maxEpochs']] as const) {
      const refused = await post('extend', payload);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { path } });
    }
    expect((await post('extend', {})).status).toBe(400);
    const extended = await post('extend', { maxTrials: 6 });
    expect(extended.body).toMatchObject({ status: 'running', maxTrials: 6 });

    const events = await t.app.db.experimentEvent.findMany({ where: { experimentId: exp.id }, orderBy: { seq: 'asc' } });
    expect(events.filter((e) => e.type === 'status').map((e) => (e.data as { status: string }).status)).toEqual(['paused', 'running']);
    await post('cancel').expect(200);
    expect((await request(t.app.server).delete(`/v1/experiments/${exp.id}`).set(carol.auth)).status).toBe(204);
    expect((await request(t.app.server).get(`/v1/experiments/${exp.id}`).set(carol.auth)).status).toBe(404);
  });

  it('an ASHA experiment paused, then extended by maxEpochs, resumes its trials towards the new maxEpochs', async () => {
    const dave = await createTeam(t.config);
    const data = await uploadRegression(t.app.server, dave.auth, 40);
    const body = experimentBody(data, { space: { 'compile.optimizer.learningRate': { type: 'uniform', low: 0.001, high: 0.01 } }, searcher: { type: 'asha', minEpochs: 1, maxEpochs: 3 }, maxTrials: 4 });
    const exp = await createExperiment(t.app.server, dave.auth, body);
    const post = (action: string, payload?: object) => request(t.app.server).post(`/v1/experiments/${exp.id}/${action}`).set(dave.auth).send(payload);
    const runs = () => t.app.db.run.findMany({ where: { experimentId: exp.id }, orderBy: { createdAt: 'asc' } });
    await t.app.experimentDriver.pass({ teamId: dave.id });
    expect((await runs()).map((r) => [r.status, r.totalEpochs])).toEqual([['queued', 3], ['queued', 3]]);

    await post('pause').expect(200);
    expect((await post('extend', { maxEpochs: 9 })).body).toMatchObject({ status: 'paused', searcher: { maxEpochs: 9 } });
    await post('resume').expect(200);
    const resumed = await runs();
    expect(resumed.map((r) => [r.status, r.totalEpochs, (r.spec as { fit: { epochs: number } }).fit.epochs])).toEqual([['queued', 9, 9], ['queued', 9, 9]]);
    await post('cancel').expect(200);
  });
});
