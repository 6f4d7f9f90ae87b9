import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { csv } from '../datasets/fixtures/csv.ts';
import { png, zipOf } from '../datasets/fixtures/zip.ts';

describe('POST /v1/runs with augmentation', () => {
  let t: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let imageDatasetId: string;
  let tableDatasetId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
    const zip = zipOf([
      { name: 'a/1.png', data: await png(8, 8) },
      { name: 'b/1.png', data: await png(8, 8, 1, 2) },
    ]);
    imageDatasetId = (await request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'image-zip').attach('file', zip, 'ab.zip')).body.id;
    tableDatasetId = (await request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'csv').attach('file', csv('a,b,y', '1,2,0', '3,4,1'), 't.csv')).body.id;
  });
  afterAll(async () => t.close());

  const submit = (datasetId: string, augmentation: unknown, layers: unknown[]) =>
    request(t.app.server)
      .post('/v1/runs')
      .set(team.auth)
      .send({
        datasetId,
        model: { layers },
        compile: { optimizer: { type: 'adam' }, loss: 'sparseCategoricalCrossentropy' },
        fit: { epochs: 1 },
        augmentation,
      });
  const imageLayers = [{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }];

  it('queues an image run with its augmentation, defaults filled in', async () => {
    const res = await submit(imageDatasetId, { rotation: 20, zoom: [1, 1.6], horizontalFlip: true, shear: 20, stretch: [1, 1.3], shift: [0.1, 0.2] }, imageLayers);
    expect(res.status).toBe(201);
    const run = await t.app.db.run.findUniqueOrThrow({ where: { id: res.body.id } });
    expect((run.spec as { augmentation: unknown }).augmentation).toEqual({
      rotation: 20,
      shift: [0.1, 0.2],
      zoom: [1, 1.6],
      horizontalFlip: true,
      verticalFlip: false,
      shear: 20,
      stretch: [1, 1.3],
      fillMode: 'nearest',
    });
  });

  it('answers 400 for a dataset that is not images, and queues nothing', async () => {
    const before = await t.app.db.run.count({ where: { teamId: team.id } });
    const res = await submit(tableDatasetId, { horizontalFlip: true }, [{ type: 'dense', units: 2, activation: 'softmax' }]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { path: ['augmentation'], inputShape: [2] } });
    expect(await t.app.db.run.count({ where: { teamId: team.id } })).toBe(before);
  });

  it('answers 400 naming the path of an out-of-range setting', async () => {
    const res = await submit(imageDatasetId, { shear: 30 }, imageLayers);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.error.details)).toContain('shear');
  });
});
