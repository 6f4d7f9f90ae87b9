import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createPrismaClient, type Db } from '../../src/db/prisma-client.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { COURSE_TABLE } from './fixtures/csv.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('GET / DELETE /v1/datasets', () => {
  let t: TestApp;
  let db: Db;
  let teamA: Team;
  let teamB: Team;
  beforeAll(async () => {
    t = await buildTestApp();
    db = createPrismaClient(t.config.databaseUrl);
    [teamA, teamB] = await Promise.all([createTeam(t.config), createTeam(t.config)]);
  });
  afterAll(async () => {
    await db.$disconnect();
    await t.close();
  });

  const api = () => request(t.app.server);
  const datasetDir = (id: string) => path.join(t.config.storageDir, 'datasets', id);
  async function uploadCourse(team: Team, name: string): Promise<string> {
    const res = await api().post('/v1/datasets').set(team.auth).field('format', 'csv').field('name', name).field('task', 'regression').attach('file', Buffer.from(COURSE_TABLE), 'course.csv');
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it("lists the team's datasets newest first, a page at a time", async () => {
    const team = await createTeam(t.config);
    const ids = [];
    for (const name of ['first', 'second', 'third']) ids.push(await uploadCourse(team, name));

    const all = await api().get('/v1/datasets').set(team.auth);
    expect(all.status).toBe(200);
    expect(all.body.items.map((d: { name: string }) => d.name)).toEqual(['third', 'second', 'first']);
    expect(all.body.items[0]).toMatchObject({ id: ids[2], bytes: 80, status: 'ready' });
    expect(all.body.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await api().get('/v1/datasets').query({ limit: 2, ...(cursor && { cursor }) }).set(team.auth);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((d: { id: string }) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('refuses a bad limit or cursor with 400 VALIDATION_FAILED', async () => {
    for (const query of [{ limit: 0 }, { limit: 101 }, { cursor: 'not-a-cursor' }]) {
      const res = await api().get('/v1/datasets').query(query).set(teamA.auth);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('gets one dataset, and answers 404 NOT_FOUND for unknown and malformed ids', async () => {
    const id = await uploadCourse(teamA, 'one');
    const res = await api().get(`/v1/datasets/${id}`).set(teamA.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, name: 'one', numSamples: 5, inputShape: [3], bytes: 80 });
    for (const other of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '..%2F..%2Fetc']) {
      const missing = await api().get(`/v1/datasets/${other}`).set(teamA.auth);
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('NOT_FOUND');
    }
  });

  it("keeps teams apart: another team's dataset is 404 to get or delete, and absent from its list", async () => {
    const id = await uploadCourse(teamA, 'private');
    expect((await api().get(`/v1/datasets/${id}`).set(teamB.auth)).status).toBe(404);
    const del = await api().delete(`/v1/datasets/${id}`).set(teamB.auth);
    expect(del.status).toBe(404);
    expect(del.body.error.code).toBe('NOT_FOUND');
    const list = await api().get('/v1/datasets').set(teamB.auth);
    expect(list.body.items.map((d: { id: string }) => d.id)).not.toContain(id);
    expect((await api().get(`/v1/datasets/${id}`).set(teamA.auth)).status).toBe(200);
    expect(existsSync(datasetDir(id))).toBe(true);
  });

  it('deletes a dataset and its files with 204', async () => {
    const id = await uploadCourse(teamA, 'doomed');
    expect(existsSync(datasetDir(id))).toBe(true);
    const res = await api().delete(`/v1/datasets/${id}`).set(teamA.auth);
    expect(res.status).toBe(204);
    expect((await api().get(`/v1/datasets/${id}`).set(teamA.auth)).status).toBe(404);
    expect(existsSync(datasetDir(id))).toBe(false);
    expect((await api().delete(`/v1/datasets/${id}`).set(teamA.auth)).status).toBe(404);
    expect((await api().delete('/v1/datasets/not-a-uuid').set(teamA.auth)).status).toBe(404);
  });

  it('refuses with 409 CONFLICT to delete a dataset a queued run uses, naming the run', async () => {
    const id = await uploadCourse(teamA, 'busy');
    const run = await db.run.create({ data: { teamId: teamA.id, datasetId: id, spec: {}, totalEpochs: 1, status: 'queued' } });
    const res = await api().delete(`/v1/datasets/${id}`).set(teamA.auth);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'CONFLICT', details: { runIds: [run.id] } });
    expect(res.body.error.message).toMatch(/queued or running/);
    expect((await api().get(`/v1/datasets/${id}`).set(teamA.auth)).status).toBe(200);
    expect(existsSync(datasetDir(id))).toBe(true);

    // Once the run has finished it still holds the dataset: its history depends on it.
    await db.run.update({ where: { id: run.id }, data: { status: 'completed' } });
    const again = await api().delete(`/v1/datasets/${id}`).set(teamA.auth);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', details: { runIds: [run.id] } });
    expect(again.body.error.message).toMatch(/finished/);
    expect(existsSync(datasetDir(id))).toBe(true);
  });
});
