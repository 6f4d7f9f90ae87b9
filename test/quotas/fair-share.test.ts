import { afterAll, afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { linearRun, setQuota, uploadTable } from './fixtures.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

async function waitForRuns(stack: Stack, team: Team, ids: string[], timeoutMs = 50_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await Promise.all(ids.map(async (id) => (await request(stack.app.server).get(`/v1/runs/${id}`).set(team.auth)).body));
    if (runs.every((r) => ['completed', 'failed', 'canceled'].includes(r.status))) return runs;
    if (Date.now() > deadline) throw new Error(`runs not finished: ${JSON.stringify(runs.map((r) => [r.id, r.status]))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('fair share between teams on one worker slot', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });
  afterAll(async () => stack?.close());

  it("starts another team's run right after the backlogged team's first one (concurrency 1)", async () => {
    stack = await startStack({ WORKER_CONCURRENCY: '1' });
    const [a, b] = [await createTeam(stack.config, `a-${Date.now()}`), await createTeam(stack.config, `b-${Date.now()}`)];
    const aData = (await uploadTable(stack.app.server, a.auth)).body.id;
    const bData = (await uploadTable(stack.app.server, b.auth)).body.id;

    const aRuns: string[] = [];
    // A's first run trains long enough that the rest of the submissions land while it runs.
    for (const epochs of [40, 2, 2, 2]) {
      const res = await request(stack.app.server).post('/v1/runs').set(a.auth).send(linearRun(aData, { epochs }));
      expect(res.status).toBe(201);
      aRuns.push(res.body.id);
    }
    const bRun = await request(stack.app.server).post('/v1/runs').set(b.auth).send(linearRun(bData, { epochs: 2 }));
    expect(bRun.status).toBe(201);

    const finished = [...(await waitForRuns(stack, a, aRuns)), ...(await waitForRuns(stack, b, [bRun.body.id]))];
    expect(finished.map((r) => r.status)).toEqual(Array(5).fill('completed'));
    const order = finished.sort((x, y) => Date.parse(x.startedAt) - Date.parse(y.startedAt)).map((r) => r.id);
    expect(order).toEqual([aRuns[0], bRun.body.id, aRuns[1], aRuns[2], aRuns[3]]);
  });

  it("orders a team's own runs by their priority", async () => {
    stack = await startStack({ WORKER_CONCURRENCY: '1' });
    const team = await createTeam(stack.config);
    const data = (await uploadTable(stack.app.server, team.auth)).body.id;
    const ids: string[] = [];
    for (const [epochs, priority] of [[40, 50], [2, 10], [2, 90], [2, 50]]) {
      const res = await request(stack.app.server).post('/v1/runs').set(team.auth).send(linearRun(data, { epochs, priority }));
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const runs = await waitForRuns(stack, team, ids);
    const order = runs.sort((x, y) => Date.parse(x.startedAt) - Date.parse(y.startedAt)).map((r) => r.id);
    // The first one started at once; then 90, 50, 10.
    expect(order).toEqual([ids[0], ids[2], ids[3], ids[1]]);
  });

  it('holds a run back while its team is at maxRunningRuns, without failing it, and lets other teams use the slot', async () => {
    stack = await startStack({ WORKER_CONCURRENCY: '2' });
    const [a, b] = [await createTeam(stack.config), await createTeam(stack.config)];
    await setQuota(stack.config.databaseUrl, a.id, { maxRunningRuns: 1 });
    const aData = (await uploadTable(stack.app.server, a.auth)).body.id;
    const bData = (await uploadTable(stack.app.server, b.auth)).body.id;
    const a1 = (await request(stack.app.server).post('/v1/runs').set(a.auth).send(linearRun(aData, { epochs: 30 }))).body.id;
    const a2 = (await request(stack.app.server).post('/v1/runs').set(a.auth).send(linearRun(aData, { epochs: 2 }))).body.id;
    const b1 = (await request(stack.app.server).post('/v1/runs').set(b.auth).send(linearRun(bData, { epochs: 2 }))).body.id;

    const [r1, r2] = await waitForRuns(stack, a, [a1, a2]);
    const [rb] = await waitForRuns(stack, b, [b1]);
    expect([r1.status, r2.status, rb.status]).toEqual(['completed', 'completed', 'completed']);
    // Never two of A's runs at once.
    expect(Date.parse(r2.startedAt)).toBeGreaterThanOrEqual(Date.parse(r1.finishedAt));
    // B took the second slot while A waited.
    expect(Date.parse(rb.startedAt)).toBeLessThan(Date.parse(r1.finishedAt));
    // The wait was a delay, not a failed attempt: no retry was spent on it.
    const job = await stack.app.queues.train.getJob(a2);
    expect(job?.stacktrace ?? []).toEqual([]);
    expect(job?.failedReason).toBeFalsy();
  });
});
