import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../src/generated/prisma/client.ts';
import { inTransaction } from '../../src/db/transaction.ts';
import { RUN_TRANSITIONS, sourcesOf, transitionRun } from '../../src/runs/run-state-machine.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { slowRunSpec, submitRun, uploadRegression } from '../e2e/durability-fixture.ts';

/** The one module that changes a run's status: legal moves apply once, with one event; others change nothing. */
describe('run state machine', () => {
  let t: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let datasetId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
    datasetId = await uploadRegression(t.app.server, team.auth, 20);
  });
  afterAll(async () => t?.close());

  const deps = () => ({ db: t.app.db, redis: t.app.redis, redisPrefix: t.config.redisPrefix });
  const statusEvents = (runId: string) => t.app.db.runEvent.count({ where: { runId, type: 'status' } });
  async function runIn(status: RunStatus) {
    const id = await submitRun(t.app.server, team.auth, slowRunSpec(datasetId, 1));
    // Nothing consumes this file's queue, so the run stays where the test puts it.
    await t.app.db.run.update({ where: { id }, data: { status } });
    return { id, teamId: team.id };
  }

  it('has no way out of a final status but a completed run\'s back to the queue (an experiment training it further), and a way into every other one', () => {
    expect(RUN_TRANSITIONS.completed).toEqual(['queued']);
    expect(RUN_TRANSITIONS.failed).toEqual([]);
    expect(RUN_TRANSITIONS.canceled).toEqual([]);
    for (const status of Object.keys(RUN_TRANSITIONS) as RunStatus[]) if (status !== 'queued') expect(sourcesOf(status).length, status).toBeGreaterThan(0);
  });

  it('applies a legal transition once and publishes its status event in the same transaction', async () => {
    const run = await runIn('queued');
    const before = await statusEvents(run.id);
    const changed = await inTransaction(t.app.db, (tx) => transitionRun(deps(), tx, run, { to: 'paused', data: { stopReason: 'test' }, event: { stopReason: 'test' } }));
    expect(changed).toBe(true);
    expect(await statusEvents(run.id)).toBe(before + 1);
    const last = await t.app.db.runEvent.findFirst({ where: { runId: run.id }, orderBy: { seq: 'desc' } });
    expect(last?.data).toEqual({ status: 'paused', stopReason: 'test' });
    expect((await t.app.db.run.findUniqueOrThrow({ where: { id: run.id } })).stopReason).toBe('test');
  });

  it('changes nothing and publishes nothing when the run is no longer in a source status', async () => {
    const run = await runIn('completed');
    const before = await statusEvents(run.id);
    expect(await inTransaction(t.app.db, (tx) => transitionRun(deps(), tx, run, { to: 'running' }))).toBe(false);
    expect(await inTransaction(t.app.db, (tx) => transitionRun(deps(), tx, run, { to: 'canceled', from: ['queued', 'paused'] }))).toBe(false);
    expect(await statusEvents(run.id)).toBe(before);
    expect((await t.app.db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('completed');
  });

  it('refuses a transition no status could make with ILLEGAL_TRANSITION', async () => {
    const run = await runIn('paused');
    await expect(inTransaction(t.app.db, (tx) => transitionRun(deps(), tx, run, { to: 'completed', from: ['paused'] }))).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', statusCode: 409 });
    expect((await t.app.db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('paused');
  });

  it('lets exactly one of many racing transitions win', async () => {
    const run = await runIn('queued');
    const before = await statusEvents(run.id);
    const results = await Promise.all(
      (['canceled', 'paused', 'running', 'canceled', 'paused'] as const).map((to) => inTransaction(t.app.db, (tx) => transitionRun(deps(), tx, run, { to, from: ['queued'] }))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await statusEvents(run.id)).toBe(before + 1);
  });
});
