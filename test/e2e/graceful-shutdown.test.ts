import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import WebSocket from 'ws';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueName } from '../../src/jobs/job-contracts.ts';
import { bullPrefix } from '../../src/jobs/train-queue.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { childEnv, regressionCsv, spawnEntry, startWorkerProcess, stopProcess, submitRun, slowRunSpec, uploadRegression, waitFor, type ChildProc } from './durability-fixture.ts';

const EPOCHS = 6;

describe('graceful shutdown', () => {
  let t: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let queue: Queue;
  const procs: ChildProc[] = [];

  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
    queue = new Queue(QueueName.train, { connection: new Redis(t.config.redisUrl, { maxRetriesPerRequest: null }), prefix: bullPrefix(t.config.redisPrefix) });
  });
  afterAll(async () => {
    await Promise.all(procs.map(stopProcess));
    await queue?.close();
    await t?.close();
  });

  it('SIGTERM to a worker stops its run at a batch, hands it back to the queue at once, and exits; the next worker continues it', async () => {
    const datasetId = await uploadRegression(t.app.server, team.auth);
    const runId = await submitRun(t.app.server, team.auth, slowRunSpec(datasetId, EPOCHS));

    const first = await startWorkerProcess(t.config, { WORKER_SHUTDOWN_GRACE_S: '20' });
    procs.push(first);
    await waitFor('epoch 1 to be recorded', async () => (await t.app.db.epochMetric.count({ where: { runId } })) >= 1);
    first.child.kill('SIGTERM');
    expect(await first.exited, first.output()).toEqual({ code: 0, signal: null });

    // Handed back, not left for a lock to expire: queued in PostgreSQL, waiting (not active) in BullMQ.
    const handedBack = await t.app.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(handedBack).toMatchObject({ status: 'queued', workerId: null });
    expect(handedBack.currentEpoch).toBeLessThan(EPOCHS);
    expect(['waiting', 'prioritized']).toContain(await (await queue.getJob(runId))!.getState());
    const events = await t.app.db.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
    const tail = events.slice(-2).map((e) => [e.type, (e.data as { status?: string; message?: string }).status ?? (e.data as { message: string }).message]);
    expect(tail[0][0]).toBe('log');
    expect(tail[0][1]).toContain(`worker ${first.workerId} is shutting down`);
    expect(tail[1]).toEqual(['status', 'queued']);
    expect(first.output()).toContain('shutting down: handing runs in flight back to the queue');

    const second = await startWorkerProcess(t.config);
    procs.push(second);
    const done = await waitFor('the run to finish on the second worker', async () => {
      const run = await t.app.db.run.findUniqueOrThrow({ where: { id: runId } });
      return ['completed', 'failed', 'canceled'].includes(run.status) ? run : null;
    });
    expect(done.status, second.output()).toBe('completed');
    const metrics = await request(t.app.server).get(`/v1/runs/${runId}/metrics`).set(team.auth);
    expect(metrics.body.epochs.map((e: { epoch: number }) => e.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  it('SIGTERM to the API finishes the request in flight, closes WebSockets with 1001, and exits', async () => {
    const port = await freePort();
    const api = spawnEntry('src/server.ts', childEnv(t.config, { PORT: String(port), HOST: '127.0.0.1' }));
    procs.push(api);
    await waitFor('the API to listen', async () => {
      if (api.child.exitCode !== null) throw new Error(api.output());
      return fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    }, 45_000, 200);

    const datasetId = await uploadRegression(t.app.server, team.auth, 10);
    const runId = await submitRun(t.app.server, team.auth, slowRunSpec(datasetId, 1));
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/runs/${runId}/events`, { headers: team.auth });
    const firstMessage = new Promise((resolve) => ws.once('message', resolve));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    await firstMessage;

    // An upload whose body is only half sent when SIGTERM arrives.
    const boundary = 'trainyardboundary';
    const body = Buffer.from(
      [`--${boundary}`, 'Content-Disposition: form-data; name="format"', '', 'csv', `--${boundary}`, 'Content-Disposition: form-data; name="label"', '', 'y',
        `--${boundary}`, 'Content-Disposition: form-data; name="task"', '', 'regression',
        `--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="t.csv"', 'Content-Type: text/csv', '', regressionCsv(50), `--${boundary}--`, ''].join('\r\n'),
    );
    const upload = http.request({
      host: '127.0.0.1', port, method: 'POST', path: '/v1/datasets',
      headers: { ...team.auth, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
    });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      upload.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      upload.on('error', reject);
    });
    upload.write(body.subarray(0, body.length / 2));
    await new Promise((r) => setTimeout(r, 200));

    api.child.kill('SIGTERM');
    expect(await closed).toEqual({ code: 1001, reason: 'server shutting down' });
    upload.end(body.subarray(body.length / 2));
    const res = await answered;
    expect(res.status, res.body).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ready', numSamples: 50 });
    expect(await api.exited, api.output()).toEqual({ code: 0, signal: null });
    // It no longer listens.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
