import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { createPrismaClient, type Db } from '../../src/db/prisma-client.ts';
import { publishRunEvent, type EventPublisherDeps } from '../../src/events/event-publisher.ts';
import { SLOW_CONSUMER_CLOSE_CODE } from '../../src/events/socket-flow.ts';
import { createRun, logEvent, openStream, range, refusedUpgrade, seqs, wsUrl } from '../events/event-fixtures.ts';

describe('WS /v1/runs/:id/events and /v1/events', () => {
  let t: TestApp;
  /** A worker's view: its own PostgreSQL client and Redis connection, not the API's. */
  let worker: EventPublisherDeps & { db: Db };
  let alice: Awaited<ReturnType<typeof createTeam>>;
  let bob: Awaited<ReturnType<typeof createTeam>>;

  beforeAll(async () => {
    t = await buildTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    worker = { db: createPrismaClient(t.config.databaseUrl), redis: new Redis(t.config.redisUrl), redisPrefix: t.config.redisPrefix };
    alice = await createTeam(t.config);
    bob = await createTeam(t.config);
  });
  afterAll(async () => {
    await worker.redis.quit();
    await worker.db.$disconnect();
    await t.close();
  });

  const publishLogs = async (runId: string, teamId: string, count: number) => {
    for (let i = 0; i < count; i++) await publishRunEvent(worker, logEvent(runId, teamId, `m${i}`));
  };

  it('replays from the start, then streams live events published by another process', async () => {
    const runId = await createRun(worker.db, alice.id);
    await publishLogs(runId, alice.id, 3);
    const client = await openStream(wsUrl(t.app, `/v1/runs/${runId}/events`), { headers: alice.auth });
    await client.until((e) => e.length === 3);
    await publishLogs(runId, alice.id, 2);
    const events = await client.until((e) => e.length === 5);
    expect(seqs(events)).toEqual([1, 2, 3, 4, 5]);
    expect(events[0]).toEqual({ seq: 1, type: 'log', runId, at: expect.any(String), level: 'info', message: 'm0' });
    await client.close();
  });

  it('?since=k replays exactly seq > k', async () => {
    const runId = await createRun(worker.db, alice.id);
    await publishLogs(runId, alice.id, 6);
    const client = await openStream(wsUrl(t.app, `/v1/runs/${runId}/events?since=4`), { headers: alice.auth });
    await client.until((e) => e.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(seqs(client.events)).toEqual([5, 6]);
    await client.close();
  });

  it('has no gap and no duplicate at the seam while a worker publishes continuously', async () => {
    const runId = await createRun(worker.db, alice.id);
    const total = 150;
    // Two publishers of one run, so announcements also arrive out of order.
    const other: EventPublisherDeps = { db: createPrismaClient(t.config.databaseUrl), redis: new Redis(t.config.redisUrl), redisPrefix: t.config.redisPrefix };
    const publishing = Promise.all([
      (async () => {
        for (let i = 0; i < total / 2; i++) await publishRunEvent(worker, logEvent(runId, alice.id, `a${i}`));
      })(),
      (async () => {
        for (let i = 0; i < total / 2; i++) await publishRunEvent(other, logEvent(runId, alice.id, `b${i}`));
      })(),
    ]);
    // Clients join at different moments of the stream, from the start and resuming.
    const clients = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 30));
      const since = i % 2 === 0 ? 0 : (await worker.db.run.findUniqueOrThrow({ where: { id: runId } })).eventSeq;
      clients.push({ since, client: await openStream(wsUrl(t.app, `/v1/runs/${runId}/events?since=${since}`), { headers: alice.auth }) });
    }
    await publishing;
    await other.redis.quit();
    await other.db.$disconnect();
    for (const { since, client } of clients) {
      await client.until((e) => e.length >= total - since);
      await new Promise((r) => setTimeout(r, 50));
      expect(seqs(client.events)).toEqual(range(since + 1, total));
      await client.close();
    }
  });

  it('authenticates with the header and the bearer.<key> subprotocol, not with a key in the URL', async () => {
    const runId = await createRun(worker.db, alice.id);
    await publishLogs(runId, alice.id, 1);
    const url = wsUrl(t.app, `/v1/runs/${runId}/events`);
    const viaHeader = await openStream(url, { headers: alice.auth });
    const viaProtocol = await openStream(url, { protocols: [`bearer.${alice.key}`] });
    expect(viaProtocol.ws.protocol).toBe(`bearer.${alice.key}`);
    for (const name of ['access_token', '%61ccess_token']) {
      expect(await refusedUpgrade(`${url}?${name}=${alice.key}`)).toMatchObject({ statusCode: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    }
    for (const client of [viaHeader, viaProtocol]) {
      expect(seqs(await client.until((e) => e.length === 1))).toEqual([1]);
      await client.close();
    }
  });

  it('refuses before upgrading: 401 without a key, 400 for a bad since, 404 for another team or no run', async () => {
    const runId = await createRun(worker.db, alice.id);
    const url = wsUrl(t.app, `/v1/runs/${runId}/events`);
    expect(await refusedUpgrade(url)).toMatchObject({ statusCode: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect(await refusedUpgrade(wsUrl(t.app, '/v1/events'))).toMatchObject({ statusCode: 401 });
    expect(await refusedUpgrade(url, { authorization: 'Bearer ty_wrong' })).toMatchObject({ statusCode: 401 });
    for (const since of ['-1', 'abc', '1.5']) {
      expect(await refusedUpgrade(`${url}?since=${since}`, alice.auth)).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    }
    expect(await refusedUpgrade(url, bob.auth)).toMatchObject({ statusCode: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await refusedUpgrade(wsUrl(t.app, '/v1/runs/no-such-run/events'), alice.auth)).toMatchObject({ statusCode: 404 });
  });

  it('answers a plain GET that passes the checks with 426 UPGRADE_REQUIRED, and checks it like an upgrade', async () => {
    const runId = await createRun(worker.db, alice.id);
    for (const path of [`/v1/runs/${runId}/events`, '/v1/events']) {
      const res = await request(t.app.server).get(path).set(alice.auth);
      expect(res.status, path).toBe(426);
      expect(res.body.error.code).toBe('UPGRADE_REQUIRED');
    }
    expect((await request(t.app.server).get(`/v1/runs/${runId}/events`)).status).toBe(401);
    expect((await request(t.app.server).get(`/v1/runs/${runId}/events`).set(bob.auth)).status).toBe(404);
  });

  it("streams every run of the team on /v1/events, and never another team's", async () => {
    const [run1, run2] = [await createRun(worker.db, alice.id), await createRun(worker.db, alice.id)];
    const bobRun = await createRun(worker.db, bob.id);
    const aliceStream = await openStream(wsUrl(t.app, '/v1/events'), { headers: alice.auth });
    const bobStream = await openStream(wsUrl(t.app, '/v1/events'), { headers: bob.auth });
    await publishLogs(run1, alice.id, 2);
    await publishLogs(run2, alice.id, 2);
    await publishLogs(run1, alice.id, 1);
    await publishLogs(bobRun, bob.id, 1);
    await aliceStream.until((e) => e.length === 5);
    await bobStream.until((e) => e.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(aliceStream.events.map((e) => `${e.runId === run1 ? 'r1' : 'r2'}:${e.seq}`)).toEqual(['r1:1', 'r1:2', 'r2:1', 'r2:2', 'r1:3']);
    expect(bobStream.events.map((e) => e.runId)).toEqual([bobRun]);
    await aliceStream.close();
    await bobStream.close();
  });

  it('drops the Redis subscription once the last socket of a team has gone', async () => {
    const team = await createTeam(t.config);
    const runId = await createRun(worker.db, team.id);
    const before = t.app.events.hub.subscribedTeams;
    const a = await openStream(wsUrl(t.app, '/v1/events'), { headers: team.auth });
    const b = await openStream(wsUrl(t.app, `/v1/runs/${runId}/events`), { headers: team.auth });
    expect(t.app.events.hub.subscribedTeams).toBe(before + 1);
    await a.close();
    await b.close();
    for (let i = 0; i < 50 && t.app.events.hub.subscribedTeams !== before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(t.app.events.hub.subscribedTeams).toBe(before);
  });

  it('catches up events announced while the Redis subscriber was disconnected', async () => {
    const runId = await createRun(worker.db, alice.id);
    const client = await openStream(wsUrl(t.app, `/v1/runs/${runId}/events`), { headers: alice.auth });
    await publishLogs(runId, alice.id, 1);
    await client.until((e) => e.length === 1);
    // Kill only this app's subscriber connection (by its id; other tests share this Redis).
    const id = await (t.app.events.hub as unknown as { subscriber: Redis }).subscriber.call('CLIENT', 'ID');
    await worker.redis.call('CLIENT', 'KILL', 'ID', String(id));
    await publishLogs(runId, alice.id, 3);
    expect(seqs(await client.until((e) => e.length === 4))).toEqual([1, 2, 3, 4]);
    await client.close();
  });

  it('closes a consumer that stops reading live events with 1013 "slow consumer"', async () => {
    const runId = await createRun(worker.db, alice.id);
    const client = await openStream(wsUrl(t.app, `/v1/runs/${runId}/events`), { headers: alice.auth });
    client.ws.pause();
    // Enough to fill the kernel's socket buffers and then the 1 MiB allowance.
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 400; i++) await publishRunEvent(worker, logEvent(runId, alice.id, big));
    client.ws.resume();
    const { code, reason } = await client.closed;
    expect({ code, reason }).toEqual({ code: SLOW_CONSUMER_CLOSE_CODE, reason: 'slow consumer' });
    expect(client.events.length).toBeLessThan(400);
  });
});
