import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { png, zipOf } from '../datasets/fixtures/zip.ts';
import { tinyModelFiles } from '../models/fixtures.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('POST /v1/runs with transfer: checked before queueing', () => {
  let t: TestApp;
  let team: Team;
  let other: Team;
  let datasetId: string;
  let wideDatasetId: string;
  let modelId: string;
  let otherModelId: string;

  const uploadModel = async (who: Team) => {
    const files = await tinyModelFiles([4, 4, 1], 1);
    const req = request(t.app.server).post('/v1/models').set(who.auth).attach('model', Buffer.from(JSON.stringify(files.modelJson)), 'model.json');
    for (const [name, data] of files.weights) req.attach('weights', data, name);
    return (await req).body.id as string;
  };
  const uploadImages = async (size: number) => {
    const zip = zipOf([{ name: 'a/1.png', data: await png(size, size) }, { name: 'b/1.png', data: await png(size, size, 1, 5) }]);
    return (await request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'image-zip').attach('file', zip, 'ab.zip')).body.id as string;
  };

  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
    other = await createTeam(t.config);
    [datasetId, wideDatasetId, modelId, otherModelId] = await Promise.all([uploadImages(4), uploadImages(6), uploadModel(team), uploadModel(other)]);
  });
  afterAll(async () => t.close());

  const head = [{ type: 'dense', units: 2, activation: 'softmax' }];
  const submit = (transfer: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    request(t.app.server)
      .post('/v1/runs')
      .set(team.auth)
      .send({
        datasetId,
        transfer: { modelId, popLayers: 1, replaceHead: head, phases: [{ epochs: 1 }, { epochs: 1, learningRate: 1e-4, unfreezeFrom: 'features' }], ...transfer },
        compile: { optimizer: { type: 'adam' }, loss: 'sparseCategoricalCrossentropy' },
        fit: { epochs: 2 },
        ...extra,
      });

  it('queues a transfer run whose summary is phase 1 (the base frozen) and references the uploaded model', async () => {
    const res = await submit({});
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.modelSummary).toMatchObject({ nonTrainableParams: 16 * 3 + 3, trainableParams: 3 * 2 + 2 });
    expect(res.body.modelSummary.layers.map((l: { name: string; trainable: boolean }) => [l.name, l.trainable])).toEqual([
      ['flat_input', true],
      ['flat', false],
      ['features', false],
      ['head_0_dense', true],
    ]);
    expect(res.body.spec.transfer).toMatchObject({ modelId, popLayers: 1 });
    const row = await t.app.db.run.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.baseModelId).toBe(modelId);
    expect(row.totalEpochs).toBe(2);
  });

  it('freezeUpTo by index leaves the layers above it trainable', async () => {
    const res = await submit({ freezeUpTo: 0 });
    expect(res.status).toBe(201);
    expect(res.body.modelSummary).toMatchObject({ nonTrainableParams: 0, trainableParams: 16 * 3 + 3 + 3 * 2 + 2 });
  });

  const refusals: { name: string; transfer?: Record<string, unknown>; extra?: Record<string, unknown>; status: number; code: string; path?: unknown[] }[] = [
    { name: 'a base whose input does not fit the dataset', extra: { datasetId: '' }, status: 400, code: 'INVALID_MODEL' },
    { name: 'an unknown freezeUpTo layer', transfer: { freezeUpTo: 'conv9' }, status: 400, code: 'INVALID_MODEL', path: ['transfer', 'freezeUpTo'] },
    { name: 'an unfreezeFrom index past the base', transfer: { phases: [{ epochs: 1 }, { epochs: 1, unfreezeFrom: 7 }] }, status: 400, code: 'INVALID_MODEL', path: ['transfer', 'phases', 1, 'unfreezeFrom'] },
    { name: 'a head that does not fit the targets', transfer: { replaceHead: [{ type: 'dense', units: 5, activation: 'softmax' }] }, status: 400, code: 'INVALID_MODEL' },
    { name: 'popping every layer', transfer: { popLayers: 3 }, status: 400, code: 'INVALID_MODEL', path: ['transfer', 'popLayers'] },
    { name: "another team's model", transfer: { modelId: '' }, status: 404, code: 'NOT_FOUND', path: ['transfer', 'modelId'] },
    { name: 'an unknown run', transfer: { modelId: undefined, runId: '00000000-0000-4000-8000-000000000000' }, status: 404, code: 'NOT_FOUND', path: ['transfer', 'runId'] },
    { name: 'an unknown checkpoint', transfer: { modelId: undefined, checkpointId: '00000000-0000-4000-8000-000000000000' }, status: 404, code: 'NOT_FOUND', path: ['transfer', 'checkpointId'] },
    { name: 'two sources', transfer: { runId: '00000000-0000-4000-8000-000000000000' }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'fit.epochs other than the phases added up', extra: { fit: { epochs: 5 } }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'both model and transfer', extra: { model: { layers: head } }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'a head layer with inputs', transfer: { replaceHead: [{ type: 'dense', units: 2, inputs: ['flat'] }] }, status: 400, code: 'VALIDATION_FAILED' },
  ];

  it.each(refusals)('refuses $name → $status $code, queueing nothing', async ({ transfer = {}, extra = {}, status, code, path }) => {
    const before = await t.app.db.run.count({ where: { teamId: team.id } });
    const fixed = { ...transfer, ...(transfer.modelId === '' ? { modelId: otherModelId } : {}) };
    const res = await submit(fixed, { ...extra, ...(extra.datasetId === '' ? { datasetId: wideDatasetId } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (path) expect(res.body.error.details.path).toEqual(path);
    expect(await t.app.db.run.count({ where: { teamId: team.id } })).toBe(before);
  });

  it('answers 409 NO_MODEL for a run of the team that has no trained model yet', async () => {
    const queued = await submit({});
    const res = await submit({ modelId: undefined, runId: queued.body.id });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'NO_MODEL', details: { path: ['transfer', 'runId'] } });
  });

  it('refuses a mid-epoch checkpoint as the base (it only serves resuming and is replaced by the next one) with 409 NO_MODEL', async () => {
    const queued = await submit({});
    expect(queued.status).toBe(201);
    const checkpoint = await t.app.db.checkpoint.create({
      data: { runId: queued.body.id, epoch: 1, batch: 3, metrics: { loss: 1 }, sizeBytes: 1, path: t.app.storage.runDir(queued.body.id) },
    });
    const before = await t.app.db.run.count({ where: { teamId: team.id } });
    const res = await submit({ modelId: undefined, checkpointId: checkpoint.id });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'NO_MODEL', details: { path: ['transfer', 'checkpointId'] } });
    expect(res.body.error.message).toContain('mid-epoch checkpoint');
    expect(await t.app.db.run.count({ where: { teamId: team.id } })).toBe(before);
  });
});
