import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { slowRunSpec, submitRun, uploadRegression, waitFor } from '../e2e/durability-fixture.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

const statusesOf = async (t: TestApp, runId: string) =>
  (await t.app.db.runEvent.findMany({ where: { runId, type: 'status' }, orderBy: { seq: 'asc' } })).map((e) => (e.data as { status: string }).status);

describe('pause, resume and cancel of queued runs (no worker)', () => {
  let t: TestApp;
  let alice: Team;
  let bob: Team;
  let datasetId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    alice = await createTeam(t.config);
    bob = await createTeam(t.config);
    datasetId = await uploadRegression(t.app.server, alice.auth, 20);
  });
  afterAll(async () => t?.close());

  it('pauses a queued run at once and removes its job; resumes it into the queue again', async () => {
    const runId = await submitRun(t.app.server, alice.auth, slowRunSpec(datasetId, 2));
    const paused = await request(t.app.server).post(`/v1/runs/${runId}/pause`).set(alice.auth);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'paused', stopReason: 'paused by user' });
    expect(await t.app.queues.train.getJob(runId)).toBeUndefined();

    const resumed = await request(t.app.server).post(`/v1/runs/${runId}/resume`).set(alice.auth);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'queued', pauseRequested: false, stopReason: null });
    expect(['waiting', 'prioritized']).toContain(await (await t.app.queues.train.getJob(runId))!.getState());
    expect(await statusesOf(t, runId)).toEqual(['queued', 'paused', 'queued']);
  });

  it('answers 409 for transitions that do not exist, and changes nothing', async () => {
    const runId = await submitRun(t.app.server, alice.auth, slowRunSpec(datasetId, 2));
    const resumeQueued = await request(t.app.server).post(`/v1/runs/${runId}/resume`).set(alice.auth);
    expect(resumeQueued.status).toBe(409);
    expect(resumeQueued.body.error.code).toBe('CONFLICT');

    await request(t.app.server).post(`/v1/runs/${runId}/pause`).set(alice.auth).expect(200);
    const pauseTwice = await request(t.app.server).post(`/v1/runs/${runId}/pause`).set(alice.auth);
    expect(pauseTwice.status).toBe(409);

    // A paused run can be canceled at once; a canceled one can be neither paused nor resumed.
    const cancel = await request(t.app.server).post(`/v1/runs/${runId}/cancel`).set(alice.auth);
    expect(cancel.body).toMatchObject({ status: 'canceled' });
    for (const action of ['pause', 'resume']) {
      const res = await request(t.app.server).post(`/v1/runs/${runId}/${action}`).set(alice.auth);
      expect(res.status).toBe(409);
      expect(res.body.error.details).toEqual({ status: 'canceled' });
    }
    expect(await statusesOf(t, runId)).toEqual(['queued', 'paused', 'canceled']);
  });

  it("answers 404 for another team's run and for none", async () => {
    const runId = await submitRun(t.app.server, alice.auth, slowRunSpec(datasetId, 2));
    for (const action of ['pause', 'resume']) {
      expect((await request(t.app.server).post(`/v1/runs/${runId}/${action}`).set(bob.auth)).status).toBe(404);
      expect((await request(t.app.server).post(`/v1/runs/00000000-0000-4000-8000-000000000000/${action}`).set(alice.auth)).status).toBe(404);
    }
    expect((await t.app.db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe('queued');
  });
});

describe('pause, resume and cancel of running runs', () => {
  let stack: Stack;
  let team: Team;
  let datasetId: string;

  beforeAll(async () => {
    stack = await startStack();
    team = await createTeam(stack.config);
    datasetId = await uploadRegression(stack.app.server, team.auth);
  });
  afterAll(async () => stack?.close());

  const runRow = (runId: string) => stack.app.db.run.findUniqueOrThrow({ where: { id: runId } });
  const finished = (runId: string, statuses: string[]) =>
    waitFor(`run ${runId} to be ${statuses.join(' or ')}`, async () => {
      const run = await runRow(runId);
      return statuses.includes(run.status) ? run : null;
    });

  it('pauses a running run at the next batch keeping its checkpoint, and resumes it from there to the end', async () => {
    const epochs = 8;
    const runId = await submitRun(stack.app.server, team.auth, slowRunSpec(datasetId, epochs));
    await waitFor('epoch 2', async () => (await stack.app.db.epochMetric.count({ where: { runId } })) >= 2);

    const pause = await request(stack.app.server).post(`/v1/runs/${runId}/pause`).set(team.auth);
    expect(pause.status).toBe(200);
    expect(pause.body).toMatchObject({ status: 'running', pauseRequested: true });
    const paused = await finished(runId, ['paused', 'completed', 'failed']);
    expect(paused).toMatchObject({ status: 'paused', pauseRequested: false, workerId: null });
    expect(paused.currentEpoch).toBeLessThan(epochs);
    const kept = await stack.app.db.checkpoint.findFirst({ where: { runId }, orderBy: { epoch: 'desc' } });
    expect(kept?.epoch).toBe(paused.currentEpoch);
    expect(paused.stopReason).toBe(`paused by user after epoch ${kept!.epoch}`);
    // Paused stays paused: nothing trains it.
    await new Promise((r) => setTimeout(r, 300));
    expect((await runRow(runId)).currentEpoch).toBe(paused.currentEpoch);

    await request(stack.app.server).post(`/v1/runs/${runId}/resume`).set(team.auth).expect(200);
    const done = await finished(runId, ['completed', 'failed', 'canceled']);
    expect(done.status).toBe('completed');
    const metrics = await request(stack.app.server).get(`/v1/runs/${runId}/metrics`).set(team.auth);
    expect(metrics.body.epochs.map((e: { epoch: number }) => e.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
    expect(await statusesOf(stack, runId)).toEqual(['queued', 'running', 'paused', 'queued', 'running', 'completed']);
    const logs = await stack.app.db.runEvent.findMany({ where: { runId, type: 'log' } });
    expect(logs.map((e) => (e.data as { message: string }).message)).toContain(`resumed from the checkpoint of epoch ${kept!.epoch} on worker ${stack.worker.workerId}`);
  });

  it('cancels a running run at the next batch and keeps its last checkpoint', async () => {
    const runId = await submitRun(stack.app.server, team.auth, slowRunSpec(datasetId, 20));
    await waitFor('epoch 1', async () => (await stack.app.db.epochMetric.count({ where: { runId } })) >= 1);
    await request(stack.app.server).post(`/v1/runs/${runId}/cancel`).set(team.auth).expect(200);
    const canceled = await finished(runId, ['canceled', 'completed', 'failed']);
    expect(canceled.status).toBe('canceled');
    expect(canceled.currentEpoch).toBeLessThan(20);
    const checkpoints = await request(stack.app.server).get(`/v1/runs/${runId}/checkpoints`).set(team.auth);
    expect(checkpoints.body.checkpoints.at(-1).epoch).toBe(canceled.currentEpoch);
    const model = await request(stack.app.server).get(`/v1/runs/${runId}/model/model.json`).set(team.auth);
    expect(model.status).toBe(409);
  });
});
