import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { seededRandom } from '../../src/training/seeded-random.ts';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { slowRunSpec, uploadRegression, waitFor } from '../e2e/durability-fixture.ts';

const FINAL = ['completed', 'canceled', 'failed'];

/**
 * Creating, canceling, pausing and resuming one team's runs in parallel while a live worker
 * starts and finishes them: every answer is a 2xx or a 4xx with a stable code (never a
 * deadlock's 500), and afterwards every run ends in a final status its events agree with.
 */
describe('run lifecycle under churn', () => {
  let stack: Stack;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let datasetId: string;

  beforeAll(async () => {
    stack = await startStack({ WORKER_CONCURRENCY: '2' });
    team = await createTeam(stack.config);
    datasetId = await uploadRegression(stack.app.server, team.auth, 24);
  }, 90_000);
  afterAll(async () => stack?.close());

  const api = () => request(stack.app.server);

  it('answers every create, cancel, pause and resume without a 5xx, and leaves no run stranded', async () => {
    const random = seededRandom(12);
    const ids: string[] = [];
    const answers: { op: string; status: number; code?: string }[] = [];
    const act = async () => {
      const roll = random();
      const id = ids[Math.floor(random() * ids.length)];
      const op = ids.length < 3 || roll < 0.35 ? 'create' : roll < 0.6 ? 'cancel' : roll < 0.8 ? 'pause' : 'resume';
      const res = op === 'create' ? await api().post('/v1/runs').set(team.auth).send(slowRunSpec(datasetId, 2)) : await api().post(`/v1/runs/${id}/${op}`).set(team.auth);
      if (op === 'create' && res.status === 201) ids.push(res.body.id);
      answers.push({ op, status: res.status, code: res.body?.error?.code });
    };
    for (let round = 0; round < 12; round++) await Promise.all(Array.from({ length: 6 }, act));

    const failures = answers.filter((a) => a.status >= 500 || ![200, 201, 409].includes(a.status));
    expect(failures).toEqual([]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.code === 'CONFLICT')).toBe(true);

    // Settle: what is paused is canceled; everything must then reach a final status.
    for (const id of ids) await api().post(`/v1/runs/${id}/cancel`).set(team.auth);
    for (const id of ids) {
      const run = await waitFor(`run ${id} to finish`, async () => {
        const res = await api().get(`/v1/runs/${id}`).set(team.auth);
        return FINAL.includes(res.body.status) ? res.body : null;
      }, 120_000, 100);
      expect(run.error?.code ?? null, `run ${id}`).not.toBe('INTERNAL');
      const events = await stack.app.db.runEvent.findMany({ where: { runId: id }, orderBy: { seq: 'asc' } });
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const statuses = events.filter((e) => e.type === 'status').map((e) => (e.data as { status: string }).status);
      expect(statuses.at(-1), `run ${id}: ${statuses.join(' → ')}`).toBe(run.status);
      expect(statuses.filter((s) => FINAL.includes(s)), `run ${id}: ${statuses.join(' → ')}`).toHaveLength(1);
    }
  }, 300_000);
});
