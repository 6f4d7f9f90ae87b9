import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { readDatasetArrays } from '../../src/datasets/dataset-files.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { COURSE_TABLE, csv } from './fixtures/csv.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('POST /v1/datasets (csv)', () => {
  let t: TestApp;
  let team: Team;
  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
  });
  afterAll(async () => t.close());

  const upload = () => request(t.app.server).post('/v1/datasets').set(team.auth);
  const arraysOf = (id: string) => readDatasetArrays(path.join(t.config.storageDir, 'datasets', id));

  it("turns the course's table into a standardized regression dataset", async () => {
    const res = await upload().field('format', 'csv').field('label', 'y').field('task', 'regression').attach('file', Buffer.from(COURSE_TABLE), 'course.csv');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'course',
      format: 'csv',
      task: 'regression',
      status: 'ready',
      numSamples: 5,
      inputShape: [3],
      targetShape: [1],
      numClasses: null,
      classNames: [],
      bytes: 5 * 3 * 4 + 5 * 4,
      error: null,
    });
    expect(res.body.preprocessing.kind).toBe('standardize');
    expect(res.body.preprocessing.mean).toEqual([84.8, 84.6, 85.6].map((m) => expect.closeTo(m, 9)));
    expect(new Date(res.body.createdAt).getTime()).not.toBeNaN();

    const { features, targets } = await arraysOf(res.body.id);
    expect(features).toHaveLength(15);
    expect(Array.from(targets)).toEqual([152, 185, 180, 196, 142]);
    for (let col = 0; col < 3; col++) {
      const column = [0, 1, 2, 3, 4].map((row) => features[row * 3 + col]);
      const mean = column.reduce((a, b) => a + b, 0) / 5;
      const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / 5;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 5);
    }
    // Row 0, x1 = 73: (73 - 84.8) / std(x1).
    expect(features[0]).toBeCloseTo((73 - 84.8) / res.body.preprocessing.std[0], 5);
  });

  it('gunzips a gzipped CSV as it streams: the same dataset as the raw file', async () => {
    const send = (file: Buffer, name: string) => upload().field('format', 'csv').field('label', 'y').field('task', 'regression').attach('file', file, name);
    const raw = await send(Buffer.from(COURSE_TABLE), 'course.csv');
    const gzipped = await send(gzipSync(COURSE_TABLE), 'course.csv.gz');
    expect(gzipped.status).toBe(201);
    expect(gzipped.body).toMatchObject({ numSamples: 5, inputShape: [3], targetShape: [1], preprocessing: raw.body.preprocessing, bytes: raw.body.bytes });
    const [a, b] = await Promise.all([arraysOf(raw.body.id), arraysOf(gzipped.body.id)]);
    expect(Array.from(b.features)).toEqual(Array.from(a.features));
    expect(Array.from(b.targets)).toEqual(Array.from(a.targets));
  });

  it('refuses a truncated gzip stream (INVALID_DATASET) and a gzip bomb (ZIP_BOMB), keeping nothing', async () => {
    const listed = async () => (await request(t.app.server).get('/v1/datasets?limit=100').set(team.auth)).body.items.length;
    const before = await listed();
    const truncated = gzipSync(COURSE_TABLE).subarray(0, 30);
    const bad = await upload().field('format', 'csv').field('label', 'y').field('task', 'regression').attach('file', truncated, 'cut.csv.gz');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_DATASET');
    // 40 MB of one repeated row compresses about 1000:1, far beyond ZIP_MAX_COMPRESSION_RATIO (100).
    const bomb = gzipSync(Buffer.from(`a,b,c,y\n${'1,2,3,4\n'.repeat(5_000_000)}`), { level: 9 });
    const refused = await upload().field('format', 'csv').field('label', 'y').field('task', 'regression').attach('file', bomb, 'bomb.csv.gz');
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('ZIP_BOMB');
    expect(await listed()).toBe(before);
  });

  it('maps string labels to sorted class indices, with fields sent after the file', async () => {
    const file = csv('sepal,petal,species', '5.1,1.4,setosa', '7.0,4.7,versicolor', '6.3,6.0,virginica', '4.9,1.4,setosa', '"6.4","4.5","versicolor"');
    const res = await upload().attach('file', file, 'iris.csv').field('format', 'csv').field('name', 'Iris, tiny');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Iris, tiny',
      task: 'classification',
      numSamples: 5,
      inputShape: [2],
      targetShape: [1],
      numClasses: 3,
      classNames: ['setosa', 'versicolor', 'virginica'],
    });
    const { targets } = await arraysOf(res.body.id);
    expect(Array.from(targets)).toEqual([0, 1, 2, 0, 1]);
  });

  it('takes the label by 0-based index without a header, and sorts numeric classes by value', async () => {
    const file = csv('10,0.5,1', '2,0.25,2', '1,0.75,3', '10,1.0,4');
    const res = await upload().field('format', 'csv').field('header', 'false').field('label', '0').attach('file', file, 'numbers.csv');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ numSamples: 4, inputShape: [2], numClasses: 3, classNames: ['1', '2', '10'] });
    const { targets } = await arraysOf(res.body.id);
    expect(Array.from(targets)).toEqual([2, 1, 0, 2]);
  });

  it('reads a middle label column by name, with a BOM, CRLF line ends and a constant column', async () => {
    const file = Buffer.from('\uFEFFa,label,b\r\n1,yes,7\r\n2,no,7\r\n\r\n3,yes,7\r\n');
    const res = await upload().field('format', 'csv').field('label', 'label').attach('file', file, 'bom.csv');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ numSamples: 3, inputShape: [2], classNames: ['no', 'yes'] });
    // A constant column has std 0, recorded as 1 so it standardizes to 0 rather than NaN.
    expect(res.body.preprocessing.std[1]).toBe(1);
    const { features, targets } = await arraysOf(res.body.id);
    expect(Array.from(targets)).toEqual([1, 0, 1]);
    expect([features[1], features[3], features[5]]).toEqual([0, 0, 0]);
  });
});
