import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { readDatasetArrays } from '../../src/datasets/dataset-files.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { jpeg, pixelGrid, png, zipOf } from './fixtures/zip.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('POST /v1/datasets (image-zip)', () => {
  let t: TestApp;
  let team: Team;
  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
  });
  afterAll(async () => t.close());

  const upload = (zip: Buffer, fields: Record<string, string> = {}) => {
    const req = request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'image-zip');
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    return req.attach('file', zip, 'pets.zip');
  };
  const arraysOf = (id: string) => readDatasetArrays(path.join(t.config.storageDir, 'datasets', id));

  it('reads grayscale PNG class folders at their own size, classes sorted and interleaved, pixels exact', async () => {
    const zip = zipOf([
      { name: 'dogs/' },
      { name: 'dogs/d1.png', data: await png(4, 3, 1, 10) },
      { name: 'cats/c2.png', data: await png(4, 3, 1, 2) },
      { name: 'cats/c1.png', data: await png(4, 3, 1, 1) },
      { name: 'cats/c3.png', data: await png(4, 3, 1, 3), method: 'store' },
    ]);
    const res = await upload(zip);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'pets',
      format: 'image-zip',
      task: 'classification',
      status: 'ready',
      numSamples: 4,
      inputShape: [3, 4, 1],
      targetShape: [1],
      numClasses: 2,
      classNames: ['cats', 'dogs'],
      preprocessing: { kind: 'scale', factor: 1 / 255 },
      // Pixels are kept as bytes (one per value, as IDX's), targets as Float32.
      bytes: 4 * 12 + 4 * 4,
    });
    const stored = await readdir(path.join(t.config.storageDir, 'datasets', res.body.id));
    expect(stored.sort()).toEqual(['features.u8', 'targets.f32']);
    const { features, targets } = await arraysOf(res.body.id);
    // Interleaved: cats/c1, dogs/d1, cats/c2, cats/c3.
    expect(Array.from(targets)).toEqual([0, 1, 0, 0]);
    [1, 10, 2, 3].forEach((seed, sample) => {
      const expected = pixelGrid(4, 3, 1, seed);
      for (let i = 0; i < 12; i++) expect(features[sample * 12 + i]).toBeCloseTo(expected[i] / 255, 6);
    });
  });

  it('resizes to the named size, strips a common root folder, ignores __MACOSX and dotfiles, and goes RGB when any image is colour', async () => {
    const zip = zipOf([
      { name: 'pets/a/1.png', data: await png(8, 6, 1) },
      { name: 'pets/b/1.jpg', data: await jpeg(10, 10, 3) },
      { name: 'pets/c/1.JPEG', data: await jpeg(3, 5, 1) },
      { name: 'pets/c/.DS_Store', data: Buffer.from('junk') },
      { name: '__MACOSX/pets/a/._1.png', data: Buffer.from('resource fork') },
    ]);
    const res = await upload(zip, { width: '5', height: '4', name: 'three' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'three', numSamples: 3, inputShape: [4, 5, 3], numClasses: 3, classNames: ['a', 'b', 'c'] });
    const { features, targets } = await arraysOf(res.body.id);
    expect(features).toHaveLength(3 * 4 * 5 * 3);
    expect(Array.from(targets)).toEqual([0, 1, 2]);
    // A grayscale source becomes three equal channels.
    for (let p = 0; p < 20; p++) {
      expect(features[p * 3]).toBe(features[p * 3 + 1]);
      expect(features[p * 3 + 1]).toBe(features[p * 3 + 2]);
    }
    expect(Math.max(...features)).toBeLessThanOrEqual(1);
  });

  it('takes color=grayscale for colour images and drops alpha', async () => {
    const zip = zipOf([
      { name: 'x/1.png', data: await png(2, 2, 4) },
      { name: 'y/1.png', data: await png(2, 2, 3, 5) },
    ]);
    const gray = await upload(zip, { color: 'grayscale' });
    expect(gray.status).toBe(201);
    expect(gray.body.inputShape).toEqual([2, 2, 1]);

    const rgb = await upload(zip);
    expect(rgb.status).toBe(201);
    expect(rgb.body.inputShape).toEqual([2, 2, 3]);
    const { features } = await arraysOf(rgb.body.id);
    const rgba = pixelGrid(2, 2, 4);
    // The RGBA image keeps its colour channels exactly; its alpha is gone.
    for (let p = 0; p < 4; p++) for (let c = 0; c < 3; c++) expect(features[p * 3 + c]).toBeCloseTo(rgba[p * 4 + c] / 255, 6);
  });
});
