import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { startWorkerProcess, stopProcess, submitRun, slowRunSpec, uploadRegression, waitFor, type ChildProc } from './durability-fixture.ts';

const EPOCHS = 8;

/**
 * A worker killed with SIGKILL mid-run (no chance to say anything): the run continues on the
 * next worker from its latest checkpoint, and its history ends with every epoch exactly once.
 * Real `npm run worker` processes, real PostgreSQL, Redis and files.
 */
describe('crash resume', () => {
  let t: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  const procs: ChildProc[] = [];

  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
  });
  afterAll(async () => {
    await Promise.all(procs.map(stopProcess));
    await t?.close();
  });

  it('continues a run on another worker from its last checkpoint after its worker was SIGKILLed', async () => {
    const datasetId = await uploadRegression(t.app.server, team.auth);
    const runId = await submitRun(t.app.server, team.auth, slowRunSpec(datasetId, EPOCHS));

    const first = await startWorkerProcess(t.config);
    procs.push(first);
    await waitFor('epoch 2 to be recorded', async () => (await t.app.db.epochMetric.count({ where: { runId } })) >= 2);
    first.child.kill('SIGKILL');
    await first.exited;

    const orphan = await t.app.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(orphan).toMatchObject({ status: 'running', workerId: first.workerId });
    const checkpointAtCrash = await t.app.db.checkpoint.findFirst({ where: { runId }, orderBy: { epoch: 'desc' } });
    expect(checkpointAtCrash?.epoch).toBeGreaterThanOrEqual(1);
    expect(orphan.currentEpoch).toBeLessThan(EPOCHS);

    const second = await startWorkerProcess(t.config);
    procs.push(second);
    const done = await waitFor('the run to finish on the second worker', async () => {
      const run = await t.app.db.run.findUniqueOrThrow({ where: { id: runId } });
      return ['completed', 'failed', 'canceled'].includes(run.status) ? run : null;
    });
    expect(done, second.output()).toMatchObject({ status: 'completed', currentEpoch: EPOCHS, workerId: null });

    // Every epoch exactly once, in order.
    const metrics = await request(t.app.server).get(`/v1/runs/${runId}/metrics`).set(team.auth);
    expect(metrics.body.epochs.map((e: { epoch: number }) => e.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));

    // The trace says who continued from where; the second worker trained only the epochs after the checkpoint.
    const events = await t.app.db.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
    const resumed = events.find((e) => e.type === 'log' && String((e.data as { message: string }).message).startsWith('resumed from the checkpoint'));
    const message = (resumed?.data as { message: string } | undefined)?.message;
    expect(message).toContain(`on worker ${second.workerId}`);
    expect(message).toContain(`worker ${first.workerId} stopped without finishing it`);
    const resumedEpoch = Number(/epoch (\d+)/.exec(message!)![1]);
    expect(resumedEpoch).toBeGreaterThanOrEqual(checkpointAtCrash!.epoch);
    const running = events.filter((e) => e.type === 'status' && (e.data as { status: string }).status === 'running');
    expect(running.map((e) => (e.data as { workerId: string }).workerId)).toEqual([first.workerId, second.workerId]);
    const afterResume = events.filter((e) => e.seq > resumed!.seq && e.type === 'epoch').map((e) => (e.data as { epoch: number }).epoch);
    expect(afterResume).toEqual(Array.from({ length: EPOCHS - resumedEpoch }, (_, i) => resumedEpoch + 1 + i));

    // The model is complete and usable.
    const predict = await request(t.app.server).post(`/v1/runs/${runId}/predict`).set(team.auth).send({ instances: [[1, 2, 3]] });
    expect(predict.status).toBe(200);
  });

  it("resumes from the epoch it was in even when the run's checkpoint policy kept none of the earlier ones", async () => {
    await Promise.all(procs.splice(0).map(stopProcess));
    const datasetId = await uploadRegression(t.app.server, team.auth);
    // everyEpochs = the run's length: the user keeps only the last epoch's checkpoint.
    const runId = await submitRun(t.app.server, team.auth, { ...slowRunSpec(datasetId, EPOCHS), callbacks: { modelCheckpoint: { everyEpochs: EPOCHS } } });
    const first = await startWorkerProcess(t.config);
    procs.push(first);
    await waitFor('epoch 2 to be recorded', async () => (await t.app.db.epochMetric.count({ where: { runId } })) >= 2);
    first.child.kill('SIGKILL');
    await first.exited;
    const atCrash = await t.app.db.checkpoint.findFirst({ where: { runId }, orderBy: [{ epoch: 'desc' }] });
    // A resume point after a finished epoch: the next one, 0 batches done (epoch 2's own may
    // not be recorded yet when the kill lands). Before, there was no checkpoint at all: epoch 0.
    expect(atCrash).toMatchObject({ batch: 0 });
    expect(atCrash!.epoch).toBeGreaterThanOrEqual(2);

    const second = await startWorkerProcess(t.config);
    procs.push(second);
    const done = await waitFor('the run to finish', async () => {
      const run = await t.app.db.run.findUniqueOrThrow({ where: { id: runId } });
      return ['completed', 'failed', 'canceled'].includes(run.status) ? run : null;
    });
    expect(done, second.output()).toMatchObject({ status: 'completed', currentEpoch: EPOCHS });
    const metrics = await request(t.app.server).get(`/v1/runs/${runId}/metrics`).set(team.auth);
    expect(metrics.body.epochs.map((e: { epoch: number }) => e.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    const events = await t.app.db.runEvent.findMany({ where: { runId, type: 'log' }, orderBy: { seq: 'asc' } });
    const resumed = events.map((e) => String((e.data as { message: string }).message)).find((m) => m.startsWith('resumed from the checkpoint'));
    expect(resumed).toContain(`epoch ${atCrash!.epoch}, batch 0`);
    // The user's own checkpoints follow the user's policy: only the last epoch's is kept.
    const kept = await t.app.db.checkpoint.findMany({ where: { runId, batch: null } });
    expect(kept.map((c) => c.epoch)).toEqual([EPOCHS]);
  });

  it('resumes inside an epoch from its mid-epoch checkpoint after a SIGKILL, recording each epoch once', async () => {
    // Only this test's workers may take its run.
    await Promise.all(procs.splice(0).map(stopProcess));
    const datasetId = await uploadRegression(t.app.server, team.auth, 2000);
    const runId = await submitRun(t.app.server, team.auth, slowRunSpec(datasetId, 2));

    // A checkpoint every 50 ms of training: several inside each 500-batch epoch.
    const first = await startWorkerProcess(t.config, { CHECKPOINT_INTERVAL_S: '0.05' });
    procs.push(first);
    await waitFor('a mid-epoch checkpoint of epoch 1', async () => t.app.db.checkpoint.findFirst({ where: { runId, epoch: 1, batch: { not: null } } }));
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await t.app.db.epochMetric.count({ where: { runId } })).toBe(0);
    const atCrash = await t.app.db.checkpoint.findFirstOrThrow({ where: { runId }, orderBy: [{ epoch: 'desc' }, { createdAt: 'desc' }] });
    expect(atCrash).toMatchObject({ epoch: 1, batch: expect.any(Number) });

    const second = await startWorkerProcess(t.config);
    procs.push(second);
    const done = await waitFor('the run to finish on the second worker', async () => {
      const run = await t.app.db.run.findUniqueOrThrow({ where: { id: runId } });
      return ['completed', 'failed', 'canceled'].includes(run.status) ? run : null;
    });
    expect(done, second.output()).toMatchObject({ status: 'completed', currentEpoch: 2 });

    const events = await t.app.db.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
    const messages = events.filter((e) => e.type === 'log').map((e) => String((e.data as { message: string }).message));
    expect(messages.find((m) => m.startsWith('resumed from the checkpoint'))).toContain(`epoch 1, batch ${atCrash.batch}`);
    const metrics = await request(t.app.server).get(`/v1/runs/${runId}/metrics`).set(team.auth);
    expect(metrics.body.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
  });
});
