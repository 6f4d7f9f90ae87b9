import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Test } from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { COURSE_TABLE, csv } from './fixtures/csv.ts';
import { gzip, idxFile, idxImages, idxLabels } from './fixtures/idx.ts';
import { leftoversUnder } from './fixtures/storage.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

interface HostileCase {
  name: string;
  send: (req: Test) => Test;
  status: number;
  code: string;
  details?: Record<string, unknown>;
}

const csvUpload = (file: Buffer, fields: Record<string, string> = {}) => (req: Test) => {
  req.field('format', 'csv');
  for (const [k, v] of Object.entries(fields)) req.field(k, v);
  return req.attach('file', file, 'data.csv');
};
const idxUpload = (images: Buffer, labels: Buffer) => (req: Test) =>
  req.field('format', 'idx').attach('images', images, 'images.idx').attach('labels', labels, 'labels.idx');

const truncatedGzip = () => {
  const whole = gzip(idxImages(10, 28, 28));
  return whole.subarray(0, Math.floor(whole.length / 2));
};

const cases: HostileCase[] = [
  { name: 'ragged CSV row', send: csvUpload(csv('a,b,c', '1,2,3', '4,5', '6,7,8')), status: 400, code: 'INVALID_DATASET', details: { row: 3, expected: 3, got: 2 } },
  { name: 'empty CSV', send: csvUpload(Buffer.alloc(0)), status: 400, code: 'INVALID_DATASET', details: { row: 1 } },
  { name: 'CSV with a header but no data rows', send: csvUpload(csv('a,b,c')), status: 400, code: 'INVALID_DATASET', details: { row: 2 } },
  { name: 'non-numeric feature', send: csvUpload(csv('a,b,y', '1,2,x', '3,oops,y')), status: 400, code: 'INVALID_DATASET', details: { row: 3, column: 'b', value: 'oops' } },
  { name: 'non-numeric regression target', send: csvUpload(csv('a,y', '1,2', '3,n/a'), { task: 'regression' }), status: 400, code: 'INVALID_DATASET', details: { row: 3, column: 'y' } },
  { name: 'a feature that overflows float32', send: csvUpload(csv('a,b,y', '1,2,x', '3,1e39,y')), status: 400, code: 'INVALID_DATASET', details: { row: 3, column: 'b', value: '1e39' } },
  { name: 'a regression target that overflows float32', send: csvUpload(csv('a,y', '1,2', '3,-4e38'), { task: 'regression' }), status: 400, code: 'INVALID_DATASET', details: { row: 3, column: 'y', value: '-4e38' } },
  { name: 'unclosed quote', send: csvUpload(csv('a,b', '1,"2', '3,4')), status: 400, code: 'INVALID_DATASET' },
  { name: 'unknown label column', send: csvUpload(Buffer.from(COURSE_TABLE), { label: 'z' }), status: 400, code: 'INVALID_DATASET', details: { label: 'z' } },
  { name: 'a single class', send: csvUpload(csv('a,y', '1,same', '2,same')), status: 400, code: 'INVALID_DATASET' },
  { name: 'unknown task', send: csvUpload(Buffer.from(COURSE_TABLE), { task: 'clustering' }), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'misspelt field', send: csvUpload(Buffer.from(COURSE_TABLE), { lable: 'y' }), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'IDX header declaring more images than present', send: idxUpload(idxFile([5, 2, 2], new Uint8Array(12)), idxLabels([0, 1, 0, 1, 0])), status: 400, code: 'INVALID_DATASET', details: { part: 'images' } },
  { name: 'IDX header declaring fewer labels than present', send: idxUpload(idxImages(2, 2, 2), idxFile([2], [0, 1, 1, 0])), status: 400, code: 'INVALID_DATASET', details: { part: 'labels' } },
  { name: 'IDX image and label counts differ', send: idxUpload(idxImages(3, 2, 2), idxLabels([0, 1])), status: 400, code: 'INVALID_DATASET', details: { images: 3, labels: 2 } },
  { name: 'IDX parts swapped (wrong magic)', send: idxUpload(idxLabels([0, 1]), idxImages(2, 2, 2)), status: 400, code: 'INVALID_DATASET', details: { part: 'labels' } },
  { name: 'IDX file shorter than its header', send: idxUpload(Buffer.from([0, 0, 8, 3, 0, 0]), idxLabels([0])), status: 400, code: 'INVALID_DATASET', details: { part: 'images' } },
  { name: 'truncated gzip', send: idxUpload(truncatedGzip(), idxLabels(Array(10).fill(1))), status: 400, code: 'INVALID_DATASET', details: { part: 'images' } },
  { name: 'unknown format', send: (req) => req.field('format', 'parquet').attach('file', Buffer.from('x'), 'x.parquet'), status: 400, code: 'UNSUPPORTED_FORMAT', details: { format: 'parquet' } },
  { name: 'missing format', send: (req) => req.attach('file', Buffer.from(COURSE_TABLE), 'data.csv'), status: 400, code: 'INVALID_UPLOAD' },
  { name: 'missing file part', send: (req) => req.field('format', 'idx').attach('images', idxImages(1, 2, 2), 'images.idx'), status: 400, code: 'INVALID_UPLOAD', details: { missing: ['labels'] } },
  { name: 'file under the wrong part name', send: (req) => req.field('format', 'csv').attach('data', Buffer.from(COURSE_TABLE), 'data.csv'), status: 400, code: 'INVALID_UPLOAD', details: { missing: ['file'], unexpected: ['data'] } },
  { name: 'the same file part twice', send: (req) => csvUpload(Buffer.from(COURSE_TABLE))(req).attach('file', Buffer.from(COURSE_TABLE), 'again.csv'), status: 400, code: 'INVALID_UPLOAD' },
  { name: 'JSON instead of multipart', send: (req) => req.send({ format: 'csv' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
];

describe('POST /v1/datasets refuses bad uploads and leaves nothing behind', () => {
  let t: TestApp;
  let team: Team;
  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
  });
  afterAll(async () => t.close());
  afterEach(async () => {
    expect(await leftoversUnder(t.config.storageDir)).toEqual([]);
    const list = await request(t.app.server).get('/v1/datasets').set(team.auth);
    expect(list.body.items).toEqual([]);
  });

  it.each(cases)('$name → $status $code', async ({ send, status, code, details }) => {
    const res = await send(request(t.app.server).post('/v1/datasets').set(team.auth));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toEqual(expect.any(String));
    if (details) expect(res.body.error.details).toMatchObject(details);
  });
});

describe('POST /v1/datasets with a small upload limit', () => {
  let t: TestApp;
  let team: Team;
  beforeAll(async () => {
    t = await buildTestApp({ UPLOAD_LIMIT_BYTES: '2048' });
    team = await createTeam(t.config);
  });
  afterAll(async () => t.close());

  it('answers 413 PAYLOAD_TOO_LARGE for a file over the limit, keeping nothing', async () => {
    const big = csv('a,b', ...Array.from({ length: 1000 }, (_, i) => `${i},${i % 2}`));
    const res = await request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'csv').attach('file', big, 'big.csv');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await leftoversUnder(t.config.storageDir)).toEqual([]);
    expect((await request(t.app.server).get('/v1/datasets').set(team.auth)).body.items).toEqual([]);
  });

  it('still takes a file under the limit', async () => {
    const res = await request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'csv').attach('file', csv('a,b', '1,0', '2,1'), 'small.csv');
    expect(res.status).toBe(201);
  });
});
