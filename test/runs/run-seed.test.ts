import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { linearRun, uploadTable } from '../quotas/fixtures.ts';

describe('run seeds', () => {
  let t: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let datasetId: string;
  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
    datasetId = (await uploadTable(t.app.server, team.auth)).body.id;
  });
  afterAll(async () => t?.close());

  const submit = (fit: Record<string, unknown> = {}) => {
    const body = linearRun(datasetId);
    return request(t.app.server).post('/v1/runs').set(team.auth).send({ ...body, fit: { ...body.fit, ...fit } });
  };

  it('gives a run without a seed its own random one, stored with its spec, so a resume repeats its data order', async () => {
    const [a, b] = [await submit(), await submit()];
    expect(a.status).toBe(201);
    expect(Number.isInteger(a.body.spec.fit.seed)).toBe(true);
    expect(Number.isInteger(b.body.spec.fit.seed)).toBe(true);
    expect(a.body.spec.fit.seed).not.toBe(b.body.spec.fit.seed);
    const stored = await t.app.db.run.findUniqueOrThrow({ where: { id: a.body.id } });
    expect((stored.spec as { fit: { seed: number } }).fit.seed).toBe(a.body.spec.fit.seed);
  });

  it("keeps the user's seed", async () => {
    expect((await submit({ seed: 1234 })).body.spec.fit.seed).toBe(1234);
  });
});
