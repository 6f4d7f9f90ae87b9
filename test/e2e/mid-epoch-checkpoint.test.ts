import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../helper.ts';
import { slowRunSpec, submitRun, uploadRegression, waitFor } from './durability-fixture.ts';
import { startStack, type Stack } from './harness.ts';

const EPOCHS = 2;
const exists = (p: string) => access(p).then(() => true, () => false);

/**
 * CHECKPOINT_INTERVAL_S tiny, so the worker's trainer writes a mid-epoch checkpoint before
 * every batch but an epoch's first: a run paused mid-epoch resumes inside that epoch, and the
 * run's rows keep only what resuming needs. Real API, worker, PostgreSQL, Redis and files.
 */
describe('mid-epoch checkpoints through the worker', () => {
  let s: Stack;
  let team: Awaited<ReturnType<typeof createTeam>>;

  beforeAll(async () => {
    s = await startStack({ CHECKPOINT_INTERVAL_S: '0.000001' });
    team = await createTeam(s.config);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('records the batch on the Checkpoint row, resumes a paused run inside its epoch, and keeps only the latest mid-epoch checkpoint', async () => {
    // 400 rows, no validation split, batches of 4: 100 batches per epoch.
    const datasetId = await uploadRegression(s.app.server, team.auth);
    const runId = await submitRun(s.app.server, team.auth, slowRunSpec(datasetId, EPOCHS));

    const firstMid = await waitFor('a mid-epoch checkpoint', () => s.app.db.checkpoint.findFirst({ where: { runId, batch: { not: null } } }), 60_000, 10);
    expect(firstMid.batch).toBeGreaterThanOrEqual(1);
    expect(firstMid.path).toMatch(new RegExp(`checkpoints/epoch-${firstMid.epoch}-batch-${firstMid.batch}$`));
    const paused = await request(s.app.server).post(`/v1/runs/${runId}/pause`).set(team.auth);
    expect(paused.status).toBe(200);
    await waitFor('the run to pause', async () => (await s.app.db.run.findUniqueOrThrow({ where: { id: runId } })).status === 'paused', 60_000);

    // Paused at a batch inside epoch 1: the newest checkpoint is mid-epoch, the only one of its kind.
    const mids = await s.app.db.checkpoint.findMany({ where: { runId, batch: { not: null } } });
    expect(mids).toHaveLength(1);
    const [mid] = mids;
    expect(mid.epoch).toBe(1);
    expect(mid.batch).toBeGreaterThanOrEqual(firstMid.batch!);
    // The pause can land before the next checkpoint; otherwise the first one is gone, row and files.
    expect(await exists(firstMid.path)).toBe(mid.id === firstMid.id);
    expect(await exists(mid.path)).toBe(true);
    const listed = await request(s.app.server).get(`/v1/runs/${runId}/checkpoints`).set(team.auth);
    expect(listed.status).toBe(200);
    expect(listed.body.checkpoints).toEqual([expect.objectContaining({ id: mid.id, epoch: 1, batch: mid.batch, metrics: { loss: expect.any(Number) } })]);
    expect(await s.app.db.epochMetric.count({ where: { runId } })).toBe(0);

    const resumed = await request(s.app.server).post(`/v1/runs/${runId}/resume`).set(team.auth);
    expect(resumed.status).toBe(200);
    const done = await waitFor('the run to finish', async () => {
      const run = await s.app.db.run.findUniqueOrThrow({ where: { id: runId } });
      return ['completed', 'failed', 'canceled'].includes(run.status) ? run : null;
    }, 90_000);
    expect(done).toMatchObject({ status: 'completed', currentEpoch: EPOCHS });

    const events = await s.app.db.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
    const logs = events.filter((e) => e.type === 'log').map((e) => (e.data as { message: string }).message);
    expect(logs.some((m) => m.startsWith(`resumed from the checkpoint of epoch 1, batch ${mid.batch} on worker`))).toBe(true);
    const checkpointEvents = events.filter((e) => e.type === 'checkpoint').map((e) => e.data as { epoch: number; batch: number | null });
    expect(checkpointEvents.filter((c) => c.batch === null).map((c) => c.epoch)).toEqual([1, 2]);
    // After the resume, epoch 1 went on from the batch after the checkpoint's.
    const afterResume = checkpointEvents.slice(checkpointEvents.findIndex((c) => c.epoch === 1 && c.batch === mid.batch) + 1);
    expect(afterResume[0]).toEqual(expect.objectContaining({ epoch: 1, batch: mid.batch! + 1 }));

    // Every epoch once; only end-of-epoch checkpoints remain (each later checkpoint removed the mid-epoch ones, files too).
    const metrics = await request(s.app.server).get(`/v1/runs/${runId}/metrics`).set(team.auth);
    expect(metrics.body.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    const rows = await s.app.db.checkpoint.findMany({ where: { runId }, orderBy: { epoch: 'asc' } });
    expect(rows.map((r) => [r.epoch, r.batch])).toEqual([[1, null], [2, null]]);
    expect(await exists(mid.path)).toBe(false);
    const final = await request(s.app.server).get(`/v1/runs/${runId}/checkpoints`).set(team.auth);
    expect(final.body.checkpoints.map((c: { epoch: number; batch: number | null }) => [c.epoch, c.batch])).toEqual([[1, null], [2, null]]);
  }, 120_000);

  it('modelCheckpoint.keep and saveBestOnly count end-of-epoch checkpoints only, and never leave mid-epoch ones behind', async () => {
    const datasetId = await uploadRegression(s.app.server, team.auth, 120);
    const spec = slowRunSpec(datasetId, 3);
    // saveBestOnly on the loss: only epochs whose loss beats every earlier saved one are saved, then `keep: 1` prunes.
    const runId = await submitRun(s.app.server, team.auth, { ...spec, callbacks: { modelCheckpoint: { monitor: 'loss', mode: 'min', saveBestOnly: true, keep: 1 } } });
    const done = await waitFor('the run to finish', async () => {
      const run = await s.app.db.run.findUniqueOrThrow({ where: { id: runId } });
      return ['completed', 'failed', 'canceled'].includes(run.status) ? run : null;
    }, 90_000);
    expect(done).toMatchObject({ status: 'completed', currentEpoch: 3 });

    const events = await s.app.db.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
    const checkpoints = events.filter((e) => e.type === 'checkpoint').map((e) => e.data as { epoch: number; batch: number | null });
    const midEpoch = checkpoints.filter((c) => c.batch !== null);
    expect(midEpoch.length).toBeGreaterThan(3 * 20);
    const saved = checkpoints.filter((c) => c.batch === null).map((c) => c.epoch);
    expect(saved[0]).toBe(1);
    // Retention logs name end-of-epoch checkpoints only (a mid-epoch one would show up as a duplicate epoch).
    const pruned = events
      .filter((e) => e.type === 'log' && String((e.data as { message: string }).message).startsWith('modelCheckpoint: removed'))
      .map((e) => (e.data as { message: string }).message);
    expect(pruned).toEqual(saved.slice(0, -1).map((epoch) => `modelCheckpoint: removed the checkpoint of epoch ${epoch} (keep 1)`));

    // Left: the last saved end-of-epoch checkpoint, nothing else, on disk as in the table.
    const rows = await s.app.db.checkpoint.findMany({ where: { runId } });
    expect(rows.map((r) => [r.epoch, r.batch])).toEqual([[saved.at(-1), null]]);
    expect(await readdir(path.dirname(rows[0].path))).toEqual([path.basename(rows[0].path)]);
  }, 120_000);
});
