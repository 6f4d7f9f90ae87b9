import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createPrismaClient } from '../../src/db/prisma-client.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { linearRun, uploadTable } from '../quotas/fixtures.ts';

describe('DELETE /v1/runs/:id', () => {
  let t: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  const db = () => createPrismaClient(t.config.databaseUrl);

  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
  });
  afterAll(async () => t?.close());

  const submit = async (datasetId: string) => (await request(t.app.server).post('/v1/runs').set(team.auth).send(linearRun(datasetId))).body.id as string;

  it('refuses an active run, then deletes it once finished with its files, which frees its dataset', async () => {
    const datasetId = (await uploadTable(t.app.server, team.auth)).body.id;
    const runId = await submit(datasetId);

    const active = await request(t.app.server).delete(`/v1/runs/${runId}`).set(team.auth);
    expect(active.status).toBe(409);
    expect(active.body.error).toMatchObject({ code: 'CONFLICT', details: { status: 'queued' } });

    expect((await request(t.app.server).post(`/v1/runs/${runId}/cancel`).set(team.auth)).body.status).toBe('canceled');
    const runDir = t.app.storage.runDir(runId);
    await mkdir(path.join(runDir, 'checkpoints', 'epoch-1'), { recursive: true });
    await writeFile(path.join(runDir, 'checkpoints', 'epoch-1', 'model.json'), '{}');
    expect((await request(t.app.server).delete(`/v1/datasets/${datasetId}`).set(team.auth)).status).toBe(409);

    expect((await request(t.app.server).delete(`/v1/runs/${runId}`).set(team.auth)).status).toBe(204);
    expect((await request(t.app.server).get(`/v1/runs/${runId}`).set(team.auth)).status).toBe(404);
    await expect(access(runDir)).rejects.toThrow();
    const client = db();
    expect(await client.runEvent.count({ where: { runId } })).toBe(0);
    await client.$disconnect();

    expect((await request(t.app.server).delete(`/v1/datasets/${datasetId}`).set(team.auth)).status).toBe(204);
  });

  it("refuses while an active transfer run starts from it, and answers 404 for another team's run", async () => {
    const datasetId = (await uploadTable(t.app.server, team.auth)).body.id;
    const base = await submit(datasetId);
    await request(t.app.server).post(`/v1/runs/${base}/cancel`).set(team.auth);
    const client = db();
    const dependent = await client.run.create({
      data: { teamId: team.id, datasetId, spec: { transfer: { runId: base } }, totalEpochs: 1, status: 'queued' },
    });
    await client.$disconnect();

    const blocked = await request(t.app.server).delete(`/v1/runs/${base}`).set(team.auth);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.details).toEqual({ runIds: [dependent.id] });

    const other = await createTeam(t.config);
    expect((await request(t.app.server).delete(`/v1/runs/${base}`).set(other.auth)).status).toBe(404);
    expect((await request(t.app.server).delete('/v1/runs/not-a-uuid').set(team.auth)).status).toBe(404);
    expect((await request(t.app.server).get(`/v1/runs/${base}`).set(team.auth)).status).toBe(200);
  });
});
