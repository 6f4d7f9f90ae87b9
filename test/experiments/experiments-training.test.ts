import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import request from 'supertest';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { uploadRegression, waitFor } from '../e2e/durability-fixture.ts';
import { openStream, wsUrl } from '../events/event-fixtures.ts';
import { startExperimentDriver } from '../../src/experiments/experiment-driver.ts';
import { createExperiment, experimentBody } from './experiment-fixture.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;
type Ev = { seq: number; type: string; trialId?: string; rung?: number; status?: string };

/** Real training on a worker: each experiment's trials are runs that train, pause and resume. */
describe('experiments with real training', () => {
  let stack: Stack;
  let team: Team;
  let datasetId: string;
  let driving: NodeJS.Timeout;

  beforeAll(async () => {
    stack = await startStack({ WORKER_CONCURRENCY: '2' });
    team = await createTeam(stack.config);
    datasetId = await uploadRegression(stack.app.server, team.auth, 200);
    // The driver, as the API runs it every EXPERIMENT_DRIVER_INTERVAL_S, but only for this file's team.
    driving = setInterval(() => void stack.app.experimentDriver.pass({ teamId: team.id }).catch(() => undefined), 100);
  });
  afterAll(async () => {
    clearInterval(driving);
    await stack?.close();
  });

  const experiment = async (id: string) => (await request(stack.app.server).get(`/v1/experiments/${id}`).set(team.auth)).body;
  const finished = (id: string, timeoutMs = 180_000) =>
    waitFor(`experiment ${id} to complete`, async () => ((await experiment(id)).status === 'completed' ? experiment(id) : null), timeoutMs, 200);
  const statuses = async (runId: string) =>
    (await stack.app.db.runEvent.findMany({ where: { runId, type: 'status' }, orderBy: { seq: 'asc' } })).map((e) => (e.data as { status: string }).status);

  /**
   * A new team's two-trial ASHA search (1 → 3 epochs, one trial at a time) on `rows` rows, with
   * a driver of its own (the app's one would join a pass under way for another team's), and
   * waits that run a pass of it before each look.
   */
  async function twoTrialAsha(rows: number) {
    const owner = await createTeam(stack.config);
    const data = await uploadRegression(stack.app.server, owner.auth, rows);
    const exp = await createExperiment(
      stack.app.server,
      owner.auth,
      experimentBody(data, { space: { 'compile.optimizer.learningRate': { type: 'choice', values: [0.01, 0.001] } }, searcher: { type: 'asha', minEpochs: 1, maxEpochs: 3, reductionFactor: 3 }, maxTrials: 2, maxConcurrentTrials: 1 }),
    );
    const driver = startExperimentDriver(Object.assign(Object.create(stack.app), { redisPrefix: stack.config.redisPrefix }), stack.app.log, 0);
    onTestFinished(() => driver.stop());
    const trials = () => stack.app.db.trial.findMany({ where: { experimentId: exp.id }, orderBy: { index: 'asc' } });
    const passUntil = <T>(what: string, probe: () => Promise<T | null | false | undefined>) => waitFor(what, async () => (await driver.pass({ teamId: owner.id }), probe()), 120_000, 100);
    const passUntilCompleted = () => passUntil('the experiment to complete', async () => (await stack.app.db.experiment.findUniqueOrThrow({ where: { id: exp.id } })).status === 'completed');
    return { team: owner, exp, trials, passUntil, passUntilCompleted };
  }

  it('a grid trains every point exactly once, records the best, serves its model and predictions, and extends', async () => {
    const exp = await createExperiment(stack.app.server, team.auth, experimentBody(datasetId, { space: { 'compile.optimizer.learningRate': { type: 'choice', values: [0.0005, 0.02] } } }));
    const done = await finished(exp.id);
    expect(done.trials).toMatchObject({ completed: 2, running: 0, pending: 0 });
    const { trials } = (await request(stack.app.server).get(`/v1/experiments/${exp.id}/trials`).set(team.auth)).body;
    expect(trials.map((t: { values: Record<string, number> }) => t.values['compile.optimizer.learningRate'])).toEqual([0.0005, 0.02]);
    const runs = await stack.app.db.run.findMany({ where: { experimentId: exp.id } });
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    const best = trials.reduce((a: { metric: number }, b: { metric: number }) => (b.metric < a.metric ? b : a));
    expect(done).toMatchObject({ bestTrialId: best.id, bestRunId: best.runId, bestMetric: best.metric });
    // Each trial's metric is its run's last val_loss.
    const last = (await request(stack.app.server).get(`/v1/runs/${best.runId}/metrics`).set(team.auth)).body.epochs.at(-1);
    expect(best.metric).toBeCloseTo(last.val_loss, 6);

    const model = await request(stack.app.server).get(`/v1/experiments/${exp.id}/best/model/model.json`).set(team.auth);
    expect(model.status).toBe(200);
    expect(JSON.parse(model.text).modelTopology).toBeDefined();
    const predicted = await request(stack.app.server).post(`/v1/experiments/${exp.id}/best/predict`).set(team.auth).send({ instances: [[1, 2, 3]] });
    const direct = await request(stack.app.server).post(`/v1/runs/${best.runId}/predict`).set(team.auth).send({ instances: [[1, 2, 3]] });
    expect(predicted.status).toBe(200);
    expect(predicted.body).toEqual(direct.body);

    // Extended, a finished grid has nothing more to give: it completes again with the same two trials.
    const extended = await request(stack.app.server).post(`/v1/experiments/${exp.id}/extend`).set(team.auth).send({ maxTrials: 5 });
    expect(extended.body.status).toBe('running');
    expect((await finished(exp.id)).trials.completed).toBe(2);
  }, 300_000);

  it('ASHA pauses trials at a rung and later promotes one, whose epochs continue from its checkpoint', async () => {
    // Epochs long enough (a few hundred batches) that the driver sees each trial at its rung before its next epoch ends.
    const slowData = await uploadRegression(stack.app.server, team.auth, 1000);
    const exp = await createExperiment(
      stack.app.server,
      team.auth,
      experimentBody(slowData, {
        space: { 'compile.optimizer.learningRate': { type: 'logUniform', low: 0.0003, high: 0.03 } },
        searcher: { type: 'asha', minEpochs: 1, maxEpochs: 6, reductionFactor: 3 },
        maxTrials: 4,
        maxConcurrentTrials: 2,
      }),
    );
    const done = await finished(exp.id, 240_000);
    const trials = await stack.app.db.trial.findMany({ where: { experimentId: exp.id }, orderBy: { index: 'asc' } });
    const story = JSON.stringify(await Promise.all(trials.map(async (t) => [t.state, t.rung, t.rungMetrics, await statuses(t.runId)])));
    expect(trials, story).toHaveLength(4);
    expect(trials.every((t) => t.rungMetrics.length >= 1)).toBe(true);
    // Some trial stopped at rung 0 and waits there, paused with its checkpoint.
    const waiting = trials.filter((t) => t.state === 'paused');
    expect(waiting.length, story).toBeGreaterThan(0);
    for (const t of waiting) expect((await stack.app.db.run.findUniqueOrThrow({ where: { id: t.runId } })).status).toBe('paused');
    // A trial that was paused and then promoted: paused, queued again, and trained on to maxEpochs without starting over.
    const promoted = [];
    for (const t of trials) if ((await statuses(t.runId)).join(',').includes('paused,queued')) promoted.push(t);
    expect(promoted.length, story).toBeGreaterThan(0);
    // The experiment's event stream, as a watcher replays it, tells the same story: each
    // waiting trial was announced paused at its rung; each promoted one paused, then promoted.
    const stream = await openStream(wsUrl(stack.app, `/v1/experiments/${exp.id}/events?since=0`), { headers: team.auth });
    const events = (await stream.until((es) => es.some((e) => (e as unknown as Ev).status === 'completed'))) as unknown as Ev[];
    await stream.close();
    const of = (type: string, trialId: string) => events.filter((e) => e.type === type && e.trialId === trialId);
    for (const t of waiting) expect(of('trial_paused', t.id).at(-1), story).toMatchObject({ rung: t.rung });
    for (const t of promoted) {
      const [paused, promotedEv] = [of('trial_paused', t.id), of('trial_promoted', t.id)];
      expect(paused.length, story).toBeGreaterThan(0);
      expect(promotedEv.length, story).toBeGreaterThan(0);
      expect(promotedEv.at(-1)!.seq).toBeGreaterThan(paused[0]!.seq);
      expect(promotedEv.at(-1)!.rung).toBeGreaterThan(paused[0]!.rung!);
    }
    for (const t of promoted) {
      expect(t.rung).toBeGreaterThan(0);
      const epochs = await stack.app.db.epochMetric.findMany({ where: { runId: t.runId }, orderBy: { epoch: 'asc' } });
      const resumed = await stack.app.db.runEvent.findMany({ where: { runId: t.runId, type: 'log' } });
      expect(resumed.some((e) => /resumed from the checkpoint of epoch \d/.test((e.data as { message: string }).message))).toBe(true);
      expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: epochs.length }, (_, i) => i + 1));
      // One that finished trained exactly maxEpochs in all, its first epochs not trained again.
      if (t.state === 'completed') expect(epochs).toHaveLength(6);
    }
    expect(trials.some((t) => t.state === 'completed')).toBe(true);
    expect(done.bestMetric).not.toBeNull();

    // Extended by trials and epochs, it continues from where it stopped: its four trials kept
    // as they were, two new ones, and whatever trains on now trains to the new maxEpochs.
    const before = new Map(await Promise.all(trials.map(async (t) => [t.id, { runId: t.runId, state: t.state, epochs: await stack.app.db.epochMetric.count({ where: { runId: t.runId } }) }] as const)));
    const extendedAt = new Date();
    const extended = await request(stack.app.server).post(`/v1/experiments/${exp.id}/extend`).set(team.auth).send({ maxTrials: 6, maxEpochs: 9 });
    expect(extended.body).toMatchObject({ status: 'running', maxTrials: 6, searcher: { maxEpochs: 9 } });
    await finished(exp.id, 240_000);
    const after = await stack.app.db.trial.findMany({ where: { experimentId: exp.id }, orderBy: { index: 'asc' } });
    expect(after.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const t of after.slice(0, 4)) expect(t.runId).toBe(before.get(t.id)!.runId);
    // A trial completed before stays completed: as it was, or (the best waiting when the rest
    // is done) trained on to the new maxEpochs from its checkpoint.
    for (const t of after.filter((t) => before.get(t.id)?.state === 'completed')) {
      expect(t.state).toBe('completed');
      expect([before.get(t.id)!.epochs, 9]).toContain(await stack.app.db.epochMetric.count({ where: { runId: t.runId } }));
    }
    for (const t of after.slice(4)) expect((await stack.app.db.run.findUniqueOrThrow({ where: { id: t.runId } })).spec).toMatchObject({ fit: { epochs: 9 } });
    const finishedSince = await stack.app.db.run.findMany({ where: { experimentId: exp.id, status: 'completed', finishedAt: { gt: extendedAt } }, select: { id: true } });
    for (const r of finishedSince) expect(await stack.app.db.epochMetric.count({ where: { runId: r.id } })).toBe(9);
  }, 600_000);

  it('a maxEpochs extended while trials wait at a rung is what the promoted one then trains to', async () => {
    const { team: carol, exp, trials, passUntil, passUntilCompleted } = await twoTrialAsha(1000);
    // The first trial waits at rung 0 (alone there, it is not in any top third) while the second trains: the extension lands then.
    await passUntil('trial 0 to wait while trial 1 trains', async () => {
      const [first, second] = await trials();
      return first?.state === 'paused' && second?.state === 'running';
    });
    const extended = await request(stack.app.server).post(`/v1/experiments/${exp.id}/extend`).set(carol.auth).send({ maxEpochs: 9 });
    expect(extended.body).toMatchObject({ status: 'running', searcher: { maxEpochs: 9 } });
    // No result will make either promotable, so the better one is trained on, rung by rung, to the end: now 9 epochs, not the 3 its run was created with.
    await passUntilCompleted();
    const done = await trials();
    const story = JSON.stringify(await Promise.all(done.map(async (t) => [t.state, t.rung, t.rungMetrics, await statuses(t.runId)])));
    const finishedTrial = done.find((t) => t.state === 'completed');
    expect(finishedTrial, story).toBeDefined();
    const run = await stack.app.db.run.findUniqueOrThrow({ where: { id: finishedTrial!.runId } });
    expect({ rung: finishedTrial!.rung, status: run.status, totalEpochs: run.totalEpochs }, story).toEqual({ rung: 2, status: 'completed', totalEpochs: 9 });
    expect((await stack.app.db.epochMetric.findMany({ where: { runId: run.id }, orderBy: { epoch: 'asc' } })).map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  }, 300_000);

  it('a finished ASHA search extended by maxEpochs trains its best trial on from its last checkpoint, the other kept', async () => {
    const { team: dave, exp, trials, passUntilCompleted } = await twoTrialAsha(300);
    const epochsOf = (runId: string) => stack.app.db.epochMetric.findMany({ where: { runId }, orderBy: { epoch: 'asc' } });
    await passUntilCompleted();
    const before = await trials();
    const story = JSON.stringify(await Promise.all(before.map(async (t) => [t.state, t.rung, t.rungMetrics, await statuses(t.runId)])));
    const best = before.find((t) => t.state === 'completed')!;
    expect(best, story).toBeDefined();
    const firstEpochs = await epochsOf(best.runId);
    expect(firstEpochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    const other = before.find((t) => t.id !== best.id)!;
    const eventsBefore = await stack.app.db.experimentEvent.count({ where: { experimentId: exp.id } });

    const extended = await request(stack.app.server).post(`/v1/experiments/${exp.id}/extend`).set(dave.auth).send({ maxEpochs: 9 });
    expect(extended.body).toMatchObject({ status: 'running', searcher: { maxEpochs: 9 } });
    await passUntilCompleted();

    // The best trial's own run, continued: completed, back in the queue, trained epochs 4..9 from epoch 3's checkpoint.
    const after = await trials();
    const continued = after.find((t) => t.id === best.id)!;
    expect({ runId: continued.runId, state: continued.state, rung: continued.rung }).toEqual({ runId: best.runId, state: 'completed', rung: 2 });
    const run = await stack.app.db.run.findUniqueOrThrow({ where: { id: best.runId } });
    expect({ status: run.status, currentEpoch: run.currentEpoch, totalEpochs: run.totalEpochs }).toEqual({ status: 'completed', currentEpoch: 9, totalEpochs: 9 });
    const epochs = await epochsOf(best.runId);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epochs.slice(0, 3).map((e) => e.metrics)).toEqual(firstEpochs.map((e) => e.metrics));
    expect((await statuses(best.runId)).join(',')).toMatch(/completed,queued,running,completed$/);
    const logs = await stack.app.db.runEvent.findMany({ where: { runId: best.runId, type: 'log' } });
    expect(logs.some((e) => /resumed from the checkpoint of epoch 3/.test((e.data as { message: string }).message))).toBe(true);
    // The other trial is as it was, and the stream says what happened after the extend.
    expect(after.find((t) => t.id === other.id)).toMatchObject({ runId: other.runId, state: other.state, rung: other.rung });
    const since = (await stack.app.db.experimentEvent.findMany({ where: { experimentId: exp.id }, orderBy: { seq: 'asc' } })).slice(eventsBefore);
    expect(since.map((e) => `${e.type}${(e.data as { trialId?: string }).trialId === best.id ? '*' : ''}`)).toEqual(expect.arrayContaining(['status', 'trial_promoted*', 'trial_completed*']));
    expect((await request(stack.app.server).get(`/v1/experiments/${exp.id}`).set(dave.auth)).body).toMatchObject({ status: 'completed', bestTrialId: best.id });
  }, 300_000);
});
