import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { Redis } from 'ioredis';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { heartbeat, listWorkers, removeWorker, type WorkerInfo } from '../../src/workers/worker-registry.ts';

describe('GET /v1/workers and the worker registry', () => {
  let t: TestApp;
  /** The worker process's own connection. */
  let redis: Redis;
  let alice: Awaited<ReturnType<typeof createTeam>>;
  let bob: Awaited<ReturnType<typeof createTeam>>;

  const info = (id: string, currentRuns: WorkerInfo['currentRuns'] = []): WorkerInfo => ({
    id,
    hostname: 'gpu-box',
    pid: 4242,
    backend: 'cpu',
    device: 'cpu',
    concurrency: 2,
    currentRuns,
    startedAt: new Date().toISOString(),
    fallbackReasons: ['tfjs-node-gpu: not installed'],
  });

  beforeAll(async () => {
    t = await buildTestApp();
    redis = new Redis(t.config.redisUrl);
    alice = await createTeam(t.config);
    bob = await createTeam(t.config);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  it("lists live workers with their runs, showing another team's runs only as busy slots", async () => {
    await heartbeat(redis, t.config.redisPrefix, info('w-1', [{ runId: 'run-a', teamId: alice.id }, { runId: 'run-b', teamId: bob.id }]), 30);
    const adapter = { vendor: 'nvidia', architecture: 'hopper', device: '0x2330', description: 'NVIDIA: 550.54.15', isFallbackAdapter: false };
    await heartbeat(redis, t.config.redisPrefix, { ...info('w-2'), backend: 'webgpu', device: 'NVIDIA: 550.54.15 (WebGPU, nvidia/hopper)', adapter }, 30);

    const res = await request(t.app.server).get('/v1/workers').set(alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.workers).toEqual([
      {
        id: 'w-1',
        hostname: 'gpu-box',
        backend: 'cpu',
        device: 'cpu',
        concurrency: 2,
        startedAt: expect.any(String),
        lastHeartbeatAt: expect.any(String),
        fallbackReasons: ['tfjs-node-gpu: not installed'],
        adapter: null,
        currentRuns: [{ runId: 'run-a' }, { runId: null, busy: true }],
      },
      expect.objectContaining({ id: 'w-2', backend: 'webgpu', adapter, currentRuns: [] }),
    ]);
    const asBob = await request(t.app.server).get('/v1/workers').set(bob.auth);
    expect(asBob.body.workers[0].currentRuns).toEqual([{ runId: null, busy: true }, { runId: 'run-b' }]);
    expect(JSON.stringify(asBob.body)).not.toContain('run-a');
    expect(JSON.stringify(asBob.body)).not.toContain(alice.id);

    await removeWorker(redis, t.config.redisPrefix, 'w-1');
    await removeWorker(redis, t.config.redisPrefix, 'w-2');
    expect(await listWorkers(redis, t.config.redisPrefix)).toEqual([]);
  });

  it('forgets a worker whose heartbeat expired, and refreshes one that keeps beating', async () => {
    await heartbeat(redis, t.config.redisPrefix, info('w-dies'), 1);
    await heartbeat(redis, t.config.redisPrefix, info('w-lives'), 1);
    expect((await listWorkers(redis, t.config.redisPrefix)).map((w) => w.id)).toEqual(['w-dies', 'w-lives']);
    await new Promise((r) => setTimeout(r, 600));
    await heartbeat(redis, t.config.redisPrefix, info('w-lives'), 1);
    await new Promise((r) => setTimeout(r, 700));
    const res = await request(t.app.server).get('/v1/workers').set(alice.auth);
    expect(res.body.workers.map((w: { id: string }) => w.id)).toEqual(['w-lives']);
    await removeWorker(redis, t.config.redisPrefix, 'w-lives');
  });

  it('skips a record it cannot read instead of failing the listing', async () => {
    await redis.set(`${t.config.redisPrefix}:workers:garbled`, '{not json', 'EX', 30);
    await heartbeat(redis, t.config.redisPrefix, info('w-ok'), 30);
    expect((await listWorkers(redis, t.config.redisPrefix)).map((w) => w.id)).toEqual(['w-ok']);
  });

  it('needs a key', async () => {
    expect((await request(t.app.server).get('/v1/workers')).status).toBe(401);
  });
});
