import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { idxImages, idxLabels, pixelsFor } from './fixtures/idx.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

const COURSE_TABLE = ['x1,x2,x3,y', '73,80,75,152', '93,88,93,185', '89,91,90,180', '96,98,100,196', '73,66,70,142'].join('\n');

describe('GET /v1/datasets/:id/preview', () => {
  let t: TestApp;
  let team: Team;
  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
  });
  afterAll(async () => t.close());

  const preview = (id: string, query = '', auth = team.auth) => request(t.app.server).get(`/v1/datasets/${id}/preview${query}`).set(auth);
  const uploadCsv = async (csv: string, task: string) =>
    (await request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'csv').field('label', 'y').field('task', task).attach('file', Buffer.from(csv), 't.csv')).body.id as string;

  it('gives a table\'s columns and samples in uploaded units, undoing the standardization', async () => {
    const id = await uploadCsv(COURSE_TABLE, 'regression');
    const res = await preview(id, '?samples=5');
    expect(res.status).toBe(200);
    expect(res.body.classCounts).toBeNull();
    expect(res.body.statsRows).toBe(5);
    const [x1] = res.body.columns;
    expect(x1).toMatchObject({ index: 0, min: expect.closeTo(73, 3), max: expect.closeTo(96, 3), mean: expect.closeTo(84.8, 3) });
    expect(res.body.samples[1].index).toBe(1);
    expect(res.body.samples[1].features.map((v: number) => Math.round(v))).toEqual([93, 88, 93]);
    expect(res.body.samples[1].target).toEqual([185]);
  });

  it('counts classes, and returns images as their pixels 0..255', async () => {
    const labels = [0, 1, 1, 2, 2, 2];
    const up = await request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'idx').attach('images', idxImages(6, 4, 5), 'i.idx3-ubyte').attach('labels', idxLabels(labels), 'l.idx1-ubyte');
    const res = await preview(up.body.id, '?samples=3');
    expect(res.status).toBe(200);
    expect(res.body.classCounts).toEqual([{ name: '0', count: 1 }, { name: '1', count: 2 }, { name: '2', count: 3 }]);
    expect(res.body.columns).toBeNull();
    expect(res.body.samples.map((s: { index: number }) => s.index)).toEqual([0, 2, 4]);
    const pixels = pixelsFor(6, 4, 5);
    expect(res.body.samples[1].features).toEqual(Array.from(pixels.subarray(2 * 20, 3 * 20)));
    expect(res.body.samples[1].target).toEqual([1]);
  });

  it('answers 404 for another team\'s dataset and a malformed id, 400 for a bad sample count', async () => {
    const id = await uploadCsv(COURSE_TABLE, 'regression');
    const other = await createTeam(t.config);
    expect((await preview(id, '', other.auth)).status).toBe(404);
    expect((await preview('not-a-uuid')).status).toBe(404);
    expect((await preview(id, '?samples=65')).status).toBe(400);
    expect((await preview(id, '?samples=abc')).status).toBe(400);
  });

  it('answers 409 while the dataset is not ready', async () => {
    const row = await t.app.db.dataset.create({ data: { teamId: team.id, name: 'p', format: 'csv', task: 'regression', status: 'processing', inputShape: [3], targetShape: [1] } });
    const res = await preview(row.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DATASET_NOT_READY');
  });
});
