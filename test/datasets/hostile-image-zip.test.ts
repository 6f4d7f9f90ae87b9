import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { leftoversUnder } from './fixtures/storage.ts';
import { png, zipOf, type ZipEntryInput } from './fixtures/zip.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

interface HostileCase {
  name: string;
  zip: () => Promise<Buffer>;
  fields?: Record<string, string>;
  code: string;
  details?: Record<string, unknown>;
}

const twoClasses = async (extra: ZipEntryInput[] = []) =>
  zipOf([{ name: 'cats/1.png', data: await png(3, 3) }, { name: 'dogs/1.png', data: await png(3, 3, 1, 4) }, ...extra]);

const truncatedPng = async () => {
  const whole = await png(40, 40, 3);
  return whole.subarray(0, Math.floor(whole.length / 2));
};

const cases: HostileCase[] = [
  { name: 'an entry climbing out with ../', zip: () => twoClasses([{ name: '../evil.png', data: Buffer.from('x') }]), code: 'ZIP_PATH_TRAVERSAL', details: { entry: '../evil.png' } },
  { name: 'a nested ../ in the middle', zip: () => twoClasses([{ name: 'cats/../../etc/x.png', data: Buffer.from('x') }]), code: 'ZIP_PATH_TRAVERSAL' },
  { name: 'an absolute path', zip: () => twoClasses([{ name: '/etc/passwd', data: Buffer.from('x') }]), code: 'ZIP_PATH_TRAVERSAL', details: { entry: '/etc/passwd' } },
  { name: 'a Windows drive path', zip: () => twoClasses([{ name: 'C:/evil.png', data: Buffer.from('x') }]), code: 'ZIP_PATH_TRAVERSAL' },
  { name: 'backslash traversal', zip: () => twoClasses([{ name: 'cats\\..\\..\\evil.png', data: Buffer.from('x') }]), code: 'ZIP_PATH_TRAVERSAL' },
  {
    name: 'a highly compressed entry (bomb)',
    zip: () => twoClasses([{ name: 'cats/bomb.png', data: Buffer.alloc(4 * 1024 * 1024) }]),
    code: 'ZIP_BOMB',
    details: { file: 'cats/bomb.png', limit: 100 },
  },
  {
    name: 'a deflated entry inflating past the size its header declares',
    zip: async () => twoClasses([{ name: 'cats/liar.png', data: await png(30, 30, 3), declaredSize: 10 }]),
    code: 'INVALID_UPLOAD',
    details: { file: 'cats/liar.png' },
  },
  {
    name: 'a stored entry whose sizes disagree',
    zip: async () => twoClasses([{ name: 'cats/liar.png', data: await png(30, 30, 3), method: 'store', declaredSize: 10 }]),
    code: 'INVALID_UPLOAD',
  },
  { name: 'a corrupt image', zip: () => twoClasses([{ name: 'dogs/broken.png', data: Buffer.from('definitely not a png') }]), code: 'INVALID_IMAGE', details: { file: 'dogs/broken.png' } },
  { name: 'a truncated image', zip: async () => twoClasses([{ name: 'dogs/half.png', data: await truncatedPng() }]), code: 'INVALID_IMAGE', details: { file: 'dogs/half.png' } },
  { name: 'a GIF named .png', zip: async () => twoClasses([{ name: 'dogs/anim.png', data: Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64') }]), code: 'INVALID_IMAGE', details: { file: 'dogs/anim.png' } },
  { name: 'a non-image file', zip: () => twoClasses([{ name: 'cats/notes.txt', data: Buffer.from('hi') }]), code: 'INVALID_DATASET', details: { file: 'cats/notes.txt' } },
  { name: 'images outside class folders', zip: async () => zipOf([{ name: 'a.png', data: await png(2, 2) }, { name: 'b.png', data: await png(2, 2) }]), code: 'INVALID_DATASET', details: { file: 'a.png' } },
  { name: 'images nested too deep', zip: async () => zipOf([{ name: 'a/x/1.png', data: await png(2, 2) }, { name: 'b/y/2.png', data: await png(2, 2) }]), code: 'INVALID_DATASET' },
  { name: 'a single class', zip: async () => zipOf([{ name: 'cats/1.png', data: await png(2, 2) }, { name: 'cats/2.png', data: await png(2, 2) }]), code: 'INVALID_DATASET', details: { classNames: ['cats'] } },
  { name: 'no images at all', zip: async () => zipOf([{ name: 'empty/' }, { name: '.hidden', data: Buffer.from('x') }]), code: 'INVALID_DATASET' },
  { name: 'not a zip', zip: async () => Buffer.from('PK? no, just text pretending'), code: 'INVALID_UPLOAD' },
  { name: 'width without height', zip: () => twoClasses(), fields: { width: '8' }, code: 'VALIDATION_FAILED' },
  { name: 'a zero width', zip: () => twoClasses(), fields: { width: '0', height: '4' }, code: 'VALIDATION_FAILED' },
  { name: 'an unknown colour mode', zip: () => twoClasses(), fields: { color: 'sepia' }, code: 'VALIDATION_FAILED' },
  { name: 'a misspelt field', zip: () => twoClasses(), fields: { colour: 'rgb' }, code: 'VALIDATION_FAILED' },
];

describe('POST /v1/datasets (image-zip) refuses hostile archives and leaves nothing behind', () => {
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

  it.each(cases)('$name → 400 $code', async ({ zip, fields = {}, code, details }) => {
    const req = request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'image-zip');
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    const res = await req.attach('file', await zip(), 'upload.zip');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toEqual(expect.any(String));
    if (details) expect(res.body.error.details).toMatchObject(details);
  });
});

describe('image-zip limits from the configuration', () => {
  let t: TestApp;
  let team: Team;
  beforeAll(async () => {
    t = await buildTestApp({ ZIP_MAX_EXPANDED_BYTES: '2048', ZIP_MAX_ENTRIES: '4' });
    team = await createTeam(t.config);
  });
  afterAll(async () => t.close());
  const post = async (zip: Buffer) => request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'image-zip').attach('file', zip, 'z.zip');

  it('refuses an archive whose entries expand past ZIP_MAX_EXPANDED_BYTES', async () => {
    const res = await post(zipOf([{ name: 'a/1.png', data: await png(30, 30, 3), method: 'store' }, { name: 'b/1.png', data: await png(30, 30, 3, 1), method: 'store' }]));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'ZIP_BOMB', details: { limit: 2048 } });
    expect(await leftoversUnder(t.config.storageDir)).toEqual([]);
  });

  it('refuses an archive with more entries than ZIP_MAX_ENTRIES', async () => {
    const entries = await Promise.all([1, 2, 3, 4, 5].map(async (i) => ({ name: `${i % 2 ? 'a' : 'b'}/${i}.png`, data: await png(2, 2) })));
    const res = await post(zipOf(entries));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'ZIP_BOMB', details: { entries: 5, limit: 4 } });
  });

  it('still takes an archive within the limits', async () => {
    const res = await post(zipOf([{ name: 'a/1.png', data: await png(2, 2) }, { name: 'b/1.png', data: await png(2, 2, 1, 3) }]));
    expect(res.status).toBe(201);
    expect(res.body.numSamples).toBe(2);
  });
});
