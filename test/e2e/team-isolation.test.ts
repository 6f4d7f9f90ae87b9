import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import WebSocket from 'ws';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';

const TABLE = ['x1,x2,y', '1,2,3', '2,3,5', '3,4,7'].join('\n');

describe('teams are isolated', () => {
  let t: TestApp;
  let alice: Awaited<ReturnType<typeof createTeam>>;
  let bob: Awaited<ReturnType<typeof createTeam>>;
  let datasetId: string;
  let runId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    alice = await createTeam(t.config);
    bob = await createTeam(t.config);
    const upload = await request(t.app.server)
      .post('/v1/datasets')
      .set(alice.auth)
      .field('format', 'csv')
      .field('label', 'y')
      .field('task', 'regression')
      .attach('file', Buffer.from(TABLE), 't.csv');
    datasetId = upload.body.id;
    const run = await request(t.app.server)
      .post('/v1/runs')
      .set(alice.auth)
      .send({
        datasetId,
        model: { layers: [{ type: 'dense', units: 1 }] },
        compile: { optimizer: { type: 'sgd', learningRate: 0.01 }, loss: 'meanSquaredError' },
        fit: { epochs: 1 },
      });
    expect(run.status).toBe(201);
    runId = run.body.id;
  });
  afterAll(async () => t?.close());

  it("answers 404 for every one of another team's resources", async () => {
    const server = t.app.server;
    const attempts: [string, request.Test][] = [
      ['get dataset', request(server).get(`/v1/datasets/${datasetId}`)],
      ['delete dataset', request(server).delete(`/v1/datasets/${datasetId}`)],
      ['get run', request(server).get(`/v1/runs/${runId}`)],
      ['metrics', request(server).get(`/v1/runs/${runId}/metrics`)],
      ['checkpoints', request(server).get(`/v1/runs/${runId}/checkpoints`)],
      ['cancel', request(server).post(`/v1/runs/${runId}/cancel`)],
      ['model', request(server).get(`/v1/runs/${runId}/model/model.json`)],
      ['predict', request(server).post(`/v1/runs/${runId}/predict`).send({ instances: [[1, 2]] })],
    ];
    for (const [what, attempt] of attempts) {
      const res = await attempt.set(bob.auth);
      expect(res.status, what).toBe(404);
      expect(res.body.error.code, what).toBe('NOT_FOUND');
    }
  });

  it("cannot train on another team's dataset", async () => {
    const res = await request(t.app.server)
      .post('/v1/runs')
      .set(bob.auth)
      .send({
        datasetId,
        model: { layers: [{ type: 'dense', units: 1 }] },
        compile: { optimizer: { type: 'sgd' }, loss: 'meanSquaredError' },
        fit: { epochs: 1 },
      });
    expect(res.status).toBe(404);
  });

  it("lists only the team's own datasets and runs", async () => {
    const datasets = await request(t.app.server).get('/v1/datasets').set(bob.auth);
    expect(datasets.body.items).toEqual([]);
    const runs = await request(t.app.server).get('/v1/runs').set(bob.auth);
    expect(runs.body.items).toEqual([]);
    const own = await request(t.app.server).get('/v1/runs').set(alice.auth);
    expect(own.body.items.map((r: { id: string }) => r.id)).toEqual([runId]);
  });

  it("refuses a WebSocket subscription to another team's run before upgrading", async () => {
    const { port } = t.app.server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/runs/${runId}/events`, { headers: bob.auth });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('upgraded')));
      ws.on('error', () => {});
    });
    expect(status).toBe(404);
  });

  it('lets the owner cancel a queued run at once, and not twice', async () => {
    const res = await request(t.app.server).post(`/v1/runs/${runId}/cancel`).set(alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('canceled');
    const again = await request(t.app.server).post(`/v1/runs/${runId}/cancel`).set(alice.auth);
    expect(again.status).toBe(409);
  });
});
