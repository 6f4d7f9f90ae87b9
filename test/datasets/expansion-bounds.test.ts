import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { FEATURES_FILE, FEATURES_U8_FILE, readDatasetArrays } from '../../src/datasets/dataset-files.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { setQuota } from '../quotas/fixtures.ts';
import { gzip, idxFile, idxImages, idxLabels, pixelsFor } from './fixtures/idx.ts';
import { leftoversUnder } from './fixtures/storage.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

const blankImages = (n: number) => idxFile([n, 28, 28], new Uint8Array(n * 784));

describe('compressed and oversized uploads are bounded while they stream', () => {
  let t: TestApp;
  let team: Team;
  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
  });
  afterAll(async () => t?.close());

  const uploadIdx = (auth: Record<string, string>, images: Buffer, labels: Buffer) =>
    request(t.app.server).post('/v1/datasets').set(auth).field('format', 'idx').attach('images', images, 'images.gz').attach('labels', labels, 'labels.gz');

  it('a gzip bomb (15 MB of blank images in 15 kB) stops at ZIP_MAX_COMPRESSION_RATIO: 400 ZIP_BOMB, nothing kept', async () => {
    const bomb = gzip(blankImages(20_000));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const res = await uploadIdx(team.auth, bomb, gzip(idxLabels(Array(20_000).fill(1))));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'ZIP_BOMB', details: { part: 'images', limit: 100 } });
    expect(await leftoversUnder(t.config.storageDir)).toEqual([]);
  });

  it('small, very regular gzipped files are still fine (the first MiB is always allowed)', async () => {
    const res = await uploadIdx(team.auth, gzip(blankImages(50)), gzip(idxLabels(Array.from({ length: 50 }, (_, i) => i % 2))));
    expect(res.status).toBe(201);
  });

  it("stops writing at the team's remaining storage quota, not after: 429 QUOTA_EXCEEDED, nothing kept", async () => {
    const capped = await createTeam(t.config);
    await setQuota(t.config.databaseUrl, capped.id, { maxStoredBytes: 50_000n });
    const n = 2000; // 1.5 MB of pixels
    const before = await leftoversUnder(t.config.storageDir);
    const res = await uploadIdx(capped.auth, gzip(idxImages(n, 28, 28)), gzip(idxLabels(Array(n).fill(0))));
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'storedBytes', limit: 50_000, current: 0 } });
    // Stopped within one write of the limit, far short of the 1.5 MB the upload would have made.
    expect(res.body.error.details.requested).toBeGreaterThan(50_000);
    expect(res.body.error.details.requested).toBeLessThan(50_000 + 128 * 1024);
    expect(await leftoversUnder(t.config.storageDir)).toEqual(before);
  });

  it('stores IDX pixels as bytes (features.u8, a quarter of Float32), read back as the same scaled floats', async () => {
    const res = await uploadIdx(team.auth, idxImages(6, 28, 28), idxLabels([0, 1, 2, 0, 1, 2]));
    expect(res.status).toBe(201);
    const dir = path.join(t.config.storageDir, 'datasets', res.body.id);
    expect((await readdir(dir)).sort()).toEqual([FEATURES_U8_FILE, 'targets.f32']);
    expect(await readdir(dir)).not.toContain(FEATURES_FILE);
    expect((await stat(path.join(dir, FEATURES_U8_FILE))).size).toBe(6 * 784);
    expect(res.body.bytes).toBe(6 * 784 + 6 * 4);
    const { features } = await readDatasetArrays(dir);
    const pixels = pixelsFor(6, 28, 28);
    expect(features).toHaveLength(pixels.length);
    pixels.forEach((p, i) => expect(features[i]).toBe(Math.fround(p * (1 / 255))));
  });
});
