import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { leftoversUnder } from '../datasets/fixtures/storage.ts';
import { COURSE_TABLE, linearRun, setQuota, uploadTable } from './fixtures.ts';
import { attachModel, tinyModelFiles } from '../models/fixtures.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('team quotas at submit and upload time', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ QUOTA_RETRY_AFTER_S: '42' });
  });
  afterAll(async () => t?.close());

  const runCount = async (team: Team) => (await request(t.app.server).get('/v1/runs').set(team.auth)).body.items.length;

  it('refuses a run over maxQueuedRuns with 429 QUOTA_EXCEEDED and Retry-After, creating nothing; a cancel makes room', async () => {
    const team = await createTeam(t.config);
    const other = await createTeam(t.config);
    await setQuota(t.config.databaseUrl, team.id, { maxQueuedRuns: 2 });
    const datasetId = (await uploadTable(t.app.server, team.auth)).body.id;

    const first = await request(t.app.server).post('/v1/runs').set(team.auth).send(linearRun(datasetId));
    const second = await request(t.app.server).post('/v1/runs').set(team.auth).send(linearRun(datasetId));
    expect([first.status, second.status]).toEqual([201, 201]);

    const third = await request(t.app.server).post('/v1/runs').set(team.auth).send(linearRun(datasetId));
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe('42');
    expect(third.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'queuedRuns', limit: 2, current: 2 } });
    expect(await runCount(team)).toBe(2);
    expect(await t.app.queues.train.getJobCountByTypes('prioritized', 'waiting')).toBe(2);

    // Another team's limit is its own.
    const otherDataset = (await uploadTable(t.app.server, other.auth)).body.id;
    expect((await request(t.app.server).post('/v1/runs').set(other.auth).send(linearRun(otherDataset))).status).toBe(201);

    expect((await request(t.app.server).post(`/v1/runs/${first.body.id}/cancel`).set(team.auth)).status).toBe(200);
    expect((await request(t.app.server).post('/v1/runs').set(team.auth).send(linearRun(datasetId))).status).toBe(201);
  });

  it('lets only maxQueuedRuns of many concurrent submits through', async () => {
    const team = await createTeam(t.config);
    await setQuota(t.config.databaseUrl, team.id, { maxQueuedRuns: 3 });
    const datasetId = (await uploadTable(t.app.server, team.auth)).body.id;
    const answers = await Promise.all(Array.from({ length: 8 }, () => request(t.app.server).post('/v1/runs').set(team.auth).send(linearRun(datasetId))));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(5);
    expect(await runCount(team)).toBe(3);
  });

  it('refuses an upload over maxStoredBytes before reading it, and after parsing it, leaving nothing behind', async () => {
    const team = await createTeam(t.config);
    const first = await uploadTable(t.app.server, team.auth);
    expect(first.status).toBe(201);
    const size = Number(first.body.bytes);
    expect(size).toBeGreaterThan(0);

    // Room for a little, but not for a second copy: refused once parsed.
    await setQuota(t.config.databaseUrl, team.id, { maxStoredBytes: BigInt(size + size / 2) });
    const before = await leftoversUnder(t.config.storageDir);
    const parsed = await uploadTable(t.app.server, team.auth);
    expect(parsed.status).toBe(429);
    expect(parsed.headers['retry-after']).toBe('42');
    expect(parsed.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'storedBytes', limit: size + size / 2, current: size } });
    // Stopped while writing, once past the room left (test/datasets/expansion-bounds.test.ts).
    expect(parsed.body.error.details.requested).toBeGreaterThan(size / 2);
    expect(await leftoversUnder(t.config.storageDir)).toEqual(before);

    // At the limit: refused before the body is read.
    await setQuota(t.config.databaseUrl, team.id, { maxStoredBytes: BigInt(size) });
    const full = await uploadTable(t.app.server, team.auth, COURSE_TABLE);
    expect(full.status).toBe(429);
    expect(full.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'storedBytes', limit: size, current: size } });
    expect(await leftoversUnder(t.config.storageDir)).toEqual(before);
    expect((await request(t.app.server).get('/v1/datasets').set(team.auth)).body.items).toHaveLength(1);

    // Deleting makes room again; removing the limit lifts it.
    expect((await request(t.app.server).delete(`/v1/datasets/${first.body.id}`).set(team.auth)).status).toBe(204);
    expect((await uploadTable(t.app.server, team.auth)).status).toBe(201);
    await setQuota(t.config.databaseUrl, team.id, { maxStoredBytes: null });
    expect((await uploadTable(t.app.server, team.auth)).status).toBe(201);
  });

  it('counts a resumed run against maxQueuedRuns: pausing and resuming does not get around the limit', async () => {
    const team = await createTeam(t.config);
    const datasetId = (await uploadTable(t.app.server, team.auth)).body.id;
    const paused = (await request(t.app.server).post('/v1/runs').set(team.auth).send(linearRun(datasetId))).body.id;
    expect((await request(t.app.server).post(`/v1/runs/${paused}/pause`).set(team.auth)).body.status).toBe('paused');

    await setQuota(t.config.databaseUrl, team.id, { maxQueuedRuns: 1 });
    expect((await request(t.app.server).post('/v1/runs').set(team.auth).send(linearRun(datasetId))).status).toBe(201);

    const resume = await request(t.app.server).post(`/v1/runs/${paused}/resume`).set(team.auth);
    expect(resume.status).toBe(429);
    expect(resume.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'queuedRuns' } });
    expect((await request(t.app.server).get(`/v1/runs/${paused}`).set(team.auth)).body.status).toBe('paused');
  });

  it('counts uploaded base models against maxStoredBytes, leaving nothing behind when refused', async () => {
    const team = await createTeam(t.config);
    const files = await tinyModelFiles();
    await setQuota(t.config.databaseUrl, team.id, { maxStoredBytes: 64n });
    const over = await attachModel(request(t.app.server).post('/v1/models').set(team.auth), files);
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'storedBytes' } });
    expect((await request(t.app.server).get('/v1/models').set(team.auth)).body.items).toEqual([]);
    const modelFiles = (await leftoversUnder(t.config.storageDir)).filter((p) => p.startsWith('models/') || p.startsWith('tmp/'));
    expect(modelFiles).toEqual([]);

    await setQuota(t.config.databaseUrl, team.id, { maxStoredBytes: null });
    expect((await attachModel(request(t.app.server).post('/v1/models').set(team.auth), files)).status).toBe(201);
  });
});
