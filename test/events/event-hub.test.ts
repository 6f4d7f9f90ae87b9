import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { EventHub } from '../../src/events/event-hub.ts';
import { broadcastRunEvent } from '../../src/events/event-publisher.ts';
import type { RunEvent } from '../../src/events/run-event-map.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ev = (runId: string, seq: number): RunEvent => ({ seq, type: 'log', runId, at: new Date().toISOString(), level: 'info', message: 'm' });
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('EventHub', () => {
  const prefix = `tytest-${randomUUID().slice(0, 8)}`;
  let hub: EventHub;
  let publisher: Redis;
  const errors: unknown[] = [];

  beforeAll(() => {
    hub = new EventHub(new Redis(REDIS_URL), prefix, (err) => errors.push(err));
    publisher = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await hub.close();
    await publisher.quit();
  });

  it("delivers a team's events to each of its listeners, and nothing of other teams", async () => {
    const got: string[] = [];
    const stopA = await hub.subscribeTeam('team-a', { onEvent: (e) => got.push(`a1:${e.runId}`) });
    const stopA2 = await hub.subscribeTeam('team-a', { onEvent: (e) => got.push(`a2:${e.runId}`) });
    const stopB = await hub.subscribeTeam('team-b', { onEvent: (e) => got.push(`b:${e.runId}`) });
    expect(hub.subscribedTeams).toBe(2);
    await broadcastRunEvent(publisher, prefix, 'team-a', ev('r1', 1));
    await broadcastRunEvent(publisher, prefix, 'team-c', ev('r9', 1));
    await tick();
    expect(got.sort()).toEqual(['a1:r1', 'a2:r1']);
    stopA();
    stopA2();
    stopB();
    expect(hub.subscribedTeams).toBe(0);
  });

  it('is subscribed again at once after the last listener left and a new one came', async () => {
    const got: number[] = [];
    const stop = await hub.subscribeTeam('team-x', { onEvent: () => {} });
    stop();
    // UNSUBSCRIBE and SUBSCRIBE go out back to back on one connection; the latter wins.
    const stop2 = await hub.subscribeTeam('team-x', { onEvent: (e) => got.push(e.seq) });
    await broadcastRunEvent(publisher, prefix, 'team-x', ev('r', 7));
    await tick();
    expect(got).toEqual([7]);
    stop2();
  });

  it('ignores a malformed message and reports it', async () => {
    const got: number[] = [];
    const stop = await hub.subscribeTeam('team-y', { onEvent: (e) => got.push(e.seq) });
    await publisher.publish(`${prefix}:events:team:team-y`, '{oops');
    await publisher.publish(`${prefix}:events:team:team-y`, '{"hello":1}');
    await broadcastRunEvent(publisher, prefix, 'team-y', ev('r', 1));
    await tick();
    expect(got).toEqual([1]);
    expect(errors).toHaveLength(2);
    stop();
  });
});
