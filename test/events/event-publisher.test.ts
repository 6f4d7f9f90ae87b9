import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { createPrismaClient, type Db } from '../../src/db/prisma-client.ts';
import { publishRunEvent, teamEventsChannel, type EventPublisherDeps } from '../../src/events/event-publisher.ts';
import { listRunEvents, listTeamEventsSince } from '../../src/events/run-events.repository.ts';
import type { RunEvent } from '../../src/events/run-event-map.ts';
import { createRun, logEvent, range, seqs } from './event-fixtures.ts';

describe('publishRunEvent', () => {
  let t: TestApp;
  let db: Db;
  let redis: Redis;
  let listener: Redis;
  let deps: EventPublisherDeps;
  let team: Awaited<ReturnType<typeof createTeam>>;
  const heard: RunEvent[] = [];

  beforeAll(async () => {
    t = await buildTestApp();
    // A worker's own connections, not the app's.
    db = createPrismaClient(t.config.databaseUrl);
    redis = new Redis(t.config.redisUrl);
    listener = new Redis(t.config.redisUrl);
    deps = { db, redis, redisPrefix: t.config.redisPrefix };
    team = await createTeam(t.config);
    await listener.subscribe(teamEventsChannel(t.config.redisPrefix, team.id));
    listener.on('message', (_channel, message) => heard.push(JSON.parse(message)));
  });
  afterAll(async () => {
    await listener.quit();
    await redis.quit();
    await db.$disconnect();
    await t.close();
  });

  const heardFor = async (runId: string, count: number) => {
    for (let i = 0; i < 200 && heard.filter((e) => e.runId === runId).length < count; i++) await new Promise((r) => setTimeout(r, 20));
    return heard.filter((e) => e.runId === runId);
  };

  it('numbers 50 concurrent events of one run exactly 1..50, stores and announces each', async () => {
    const runId = await createRun(db, team.id);
    const published = await Promise.all(range(1, 50).map((i) => publishRunEvent(deps, logEvent(runId, team.id, `m${i}`))));
    expect(seqs(published).sort((a, b) => a - b)).toEqual(range(1, 50));
    const stored = await listRunEvents(db, { runId, afterSeq: 0, limit: 100 });
    expect(seqs(stored)).toEqual(range(1, 50));
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).eventSeq).toBe(50);
    const announced = await heardFor(runId, 50);
    expect(seqs(announced).sort((a, b) => a - b)).toEqual(range(1, 50));
  });

  it('sends { seq, type, runId, at, ...data } and stores exactly that', async () => {
    const runId = await createRun(db, team.id);
    const event = await publishRunEvent(deps, {
      runId,
      teamId: team.id,
      type: 'epoch',
      data: { epoch: 1, metrics: { loss: 0.5, acc: 0.75 }, durationMs: 12, samplesPerSec: 100 },
    });
    expect(event).toEqual({ seq: 1, type: 'epoch', runId, at: expect.any(String), epoch: 1, metrics: { loss: 0.5, acc: 0.75 }, durationMs: 12, samplesPerSec: 100 });
    expect((await heardFor(runId, 1))[0]).toEqual(event);
    expect(await listRunEvents(db, { runId, afterSeq: 0, limit: 10 })).toEqual([event]);
  });

  it("refuses a run of another team, and a missing one, without numbering anything", async () => {
    const other = await createTeam(t.config);
    const runId = await createRun(db, other.id);
    await expect(publishRunEvent(deps, logEvent(runId, team.id, 'x'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(publishRunEvent(deps, logEvent('no-such-run', team.id, 'x'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).eventSeq).toBe(0);
  });

  it("inside the caller's transaction: commits with it, announced only after commit, never after rollback", async () => {
    const runId = await createRun(db, team.id);
    await db.$transaction(async (tx) => {
      await tx.run.update({ where: { id: runId }, data: { status: 'running' } });
      await publishRunEvent(deps, { runId, teamId: team.id, type: 'status', data: { status: 'running' } }, { tx });
      await new Promise((r) => setTimeout(r, 150));
      // Still uncommitted: nobody may have heard of it yet.
      expect(heard.filter((e) => e.runId === runId)).toEqual([]);
    });
    expect(seqs(await heardFor(runId, 1))).toEqual([1]);

    await db
      .$transaction(async (tx) => {
        await publishRunEvent(deps, logEvent(runId, team.id, 'rolled back'), { tx });
        throw new Error('abort');
      })
      .catch(() => {});
    const next = await publishRunEvent(deps, logEvent(runId, team.id, 'kept'));
    expect(next.seq).toBe(2);
    const announced = await heardFor(runId, 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(announced.map((e) => ('message' in e ? e.message : e.type))).toEqual(['status', 'kept']);
    expect(seqs(await listRunEvents(db, { runId, afterSeq: 0, limit: 10 }))).toEqual([1, 2]);
  });

  it('lists a run after a seq in pages, and a team since a time', async () => {
    const runId = await createRun(db, team.id);
    const before = new Date(Date.now() - 1000);
    for (const i of range(1, 7)) await publishRunEvent(deps, logEvent(runId, team.id, `m${i}`));
    expect(seqs(await listRunEvents(db, { runId, afterSeq: 2, limit: 3 }))).toEqual([3, 4, 5]);
    expect(seqs(await listRunEvents(db, { runId, afterSeq: 5, limit: 3 }))).toEqual([6, 7]);
    expect(await listRunEvents(db, { runId, afterSeq: 0, limit: 3, teamId: 'another-team' })).toEqual([]);
    const sinceBefore = (await listTeamEventsSince(db, { teamId: team.id, since: before, limit: 1000 })).filter((e) => e.runId === runId);
    expect(seqs(sinceBefore)).toEqual(range(1, 7));
    expect(await listTeamEventsSince(db, { teamId: team.id, since: new Date(Date.now() + 60_000), limit: 10 })).toEqual([]);
  });
});
