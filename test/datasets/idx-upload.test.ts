import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { readDatasetArrays } from '../../src/datasets/dataset-files.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { gzip, idxFile, idxImages, idxLabels, pixelsFor } from './fixtures/idx.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('POST /v1/datasets (idx)', () => {
  let t: TestApp;
  let team: Team;
  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
  });
  afterAll(async () => t.close());

  const upload = () => request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'idx');
  const arraysOf = (id: string) => readDatasetArrays(path.join(t.config.storageDir, 'datasets', id));

  it('reads raw IDX files into pixels scaled to [0, 1] and class-index targets', async () => {
    const res = await upload().attach('images', idxImages(3, 4, 5), 'images.idx3-ubyte').attach('labels', idxLabels([2, 0, 1]), 'labels.idx1-ubyte');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'images',
      format: 'idx',
      task: 'classification',
      status: 'ready',
      numSamples: 3,
      inputShape: [4, 5, 1],
      targetShape: [1],
      numClasses: 3,
      classNames: ['0', '1', '2'],
      preprocessing: { kind: 'scale', factor: 1 / 255 },
      // Pixels are stored as bytes (features.u8), labels as Float32.
      bytes: 3 * 20 + 3 * 4,
    });
    const { features, targets } = await arraysOf(res.body.id);
    expect(Array.from(targets)).toEqual([2, 0, 1]);
    const pixels = pixelsFor(3, 4, 5);
    expect(features).toHaveLength(pixels.length);
    pixels.forEach((p, i) => expect(features[i]).toBeCloseTo(p / 255, 6));
  });

  it('gunzips MNIST-style .gz parts, names the dataset after the images file, and counts classes up to the largest label', async () => {
    const labels = [9, 3, 0, 9, 1, 4, 7, 2];
    const res = await upload()
      .attach('images', gzip(idxImages(8, 28, 28)), 'train-images-idx3-ubyte.gz')
      .attach('labels', gzip(idxLabels(labels)), 'train-labels-idx1-ubyte.gz');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'train-images-idx3-ubyte', numSamples: 8, inputShape: [28, 28, 1], numClasses: 10 });
    expect(res.body.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const { features, targets } = await arraysOf(res.body.id);
    expect(Array.from(targets)).toEqual(labels);
    const pixels = pixelsFor(8, 28, 28);
    expect(features[784 * 5 + 100]).toBeCloseTo(pixels[784 * 5 + 100] / 255, 6);
    expect(features[features.length - 1]).toBeCloseTo(pixels[pixels.length - 1] / 255, 6);
  });

  it('accepts colour images (4 dimensions) and a mix of raw and gzipped parts', async () => {
    const data = Uint8Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => i * 10);
    const res = await upload().field('name', 'rgb').attach('images', idxFile([2, 2, 2, 3], data), 'rgb.idx').attach('labels', gzip(idxLabels([1, 0])), 'labels.gz');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'rgb', numSamples: 2, inputShape: [2, 2, 3], numClasses: 2 });
    const { features } = await arraysOf(res.body.id);
    expect(features[23]).toBeCloseTo(230 / 255, 6);
  });
});
