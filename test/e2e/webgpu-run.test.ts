import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../helper.ts';
import { useSwiftShader } from '../training/swiftshader.ts';
import { submitRun, waitFor } from './durability-fixture.ts';
import { labelledIdx } from './fixtures/labelled-images.ts';
import { startStack, type Stack } from './harness.ts';

const SWIFTSHADER = { vendor: 'google', architecture: 'swiftshader', description: expect.stringMatching(/^SwiftShader driver/), isFallbackAdapter: true };
const DEVICE = /^SwiftShader driver [\d.]+ \(WebGPU, google\/swiftshader, software\)$/;

/** 12×12 images: class 0 bright on the left half, class 1 on the right. */
function images(count: number, seed: number) {
  return labelledIdx(count, 12, seed, (label, rand) => (y, x) => ((label === 0) === x < 6 ? 180 + Math.floor(rand() * 70) : Math.floor(rand() * 50)));
}

/**
 * TRAIN_BACKEND=webgpu (and COMPUTE_BACKEND=webgpu for predict) through the real API, worker,
 * trainer process, PostgreSQL and Redis, over SwiftShader. SwiftShader trains tens of samples/s,
 * so the data and the CNN are tiny; epochs are many only so a pause lands mid-run.
 */
describe('a run on the webgpu backend', () => {
  let s: Stack;
  let team: Awaited<ReturnType<typeof createTeam>>;

  beforeAll(async () => {
    useSwiftShader();
    s = await startStack({ TRAIN_BACKEND: 'webgpu', COMPUTE_BACKEND: 'webgpu' });
    team = await createTeam(s.config);
  });
  afterAll(async () => s?.close());

  it('shows the worker’s adapter on GET /v1/workers', async () => {
    const res = await request(s.app.server).get('/v1/workers').set(team.auth);
    expect(res.status).toBe(200);
    const me = res.body.workers.find((w: { id: string }) => w.id === s.worker.workerId);
    expect(me).toMatchObject({ backend: 'webgpu', device: expect.stringMatching(DEVICE), adapter: SWIFTSHADER, fallbackReasons: [] });
  });

  it('trains, checkpoints, pauses, resumes from its checkpoint, completes and predicts, naming the adapter on the run', async () => {
    const { images: pixels, labels } = images(32, 5);
    const upload = await request(s.app.server).post('/v1/datasets').set(team.auth).field('format', 'idx').attach('images', gzipSync(pixels), 'images.gz').attach('labels', labels, 'labels');
    expect(upload.status).toBe(201);
    const runId = await submitRun(s.app.server, team.auth, {
      datasetId: upload.body.id,
      model: { layers: [{ type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' }, { type: 'maxPooling2d', poolSize: 2 }, { type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }] },
      compile: { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'categoricalCrossentropy', metrics: ['accuracy'] },
      fit: { epochs: 12, batchSize: 8, seed: 3 },
    });

    await waitFor('a checkpoint', () => s.app.db.checkpoint.findFirst({ where: { runId } }), 90_000);
    expect((await request(s.app.server).post(`/v1/runs/${runId}/pause`).set(team.auth)).status).toBe(200);
    const paused = await waitFor('the run to pause', async () => {
      const run = await s.app.db.run.findUniqueOrThrow({ where: { id: runId } });
      return run.status === 'paused' ? run : null;
    }, 90_000);
    expect(paused.currentEpoch).toBeLessThan(12);
    expect((await request(s.app.server).post(`/v1/runs/${runId}/resume`).set(team.auth)).status).toBe(200);
    const done = await waitFor('the run to finish', async () => {
      const run = await s.app.db.run.findUniqueOrThrow({ where: { id: runId } });
      return ['completed', 'failed', 'canceled'].includes(run.status) ? run : null;
    }, 180_000);
    expect(done).toMatchObject({ status: 'completed', currentEpoch: 12, backend: 'webgpu' });

    const run = await request(s.app.server).get(`/v1/runs/${runId}`).set(team.auth);
    expect(run.body).toMatchObject({ backend: 'webgpu', device: expect.stringMatching(DEVICE) });
    const events = await s.app.db.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
    const logs = events.filter((e) => e.type === 'log').map((e) => (e.data as { message: string }).message);
    expect(logs.some((m) => m.startsWith(`resumed from the checkpoint of epoch ${paused.currentEpoch}`))).toBe(true);
    const running = events.filter((e) => e.type === 'status' && (e.data as { status: string }).status === 'running');
    expect(running.map((e) => (e.data as { device?: string }).device)).toEqual([expect.stringMatching(DEVICE), expect.stringMatching(DEVICE)]);
    const metrics = await request(s.app.server).get(`/v1/runs/${runId}/metrics`).set(team.auth);
    const losses = metrics.body.epochs.map((e: { loss: number }) => e.loss);
    expect(losses).toHaveLength(12);
    expect(losses[11]).toBeLessThan(losses[0]);

    const sample = images(2, 9);
    const instances = [0, 1].map((n) => Array.from(sample.images.subarray(16 + n * 144, 16 + (n + 1) * 144)));
    const predict = await request(s.app.server).post(`/v1/runs/${runId}/predict`).set(team.auth).send({ instances });
    expect(predict.status).toBe(200);
    expect(predict.body.predictions.map((p: { className: string }) => p.className)).toEqual(['0', '1']);
  }, 300_000);
});
