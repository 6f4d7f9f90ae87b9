import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Test } from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { leftoversUnder } from '../datasets/fixtures/storage.ts';
import { png, zipOf } from '../datasets/fixtures/zip.ts';
import { attachModel, tinyModelFiles, type ModelFiles } from './fixtures.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

/** Attaches model.json as `model` and each weight file as `weights`, under the given file names. */
const withManifest = (files: ModelFiles, change: (m: ModelFiles['modelJson']) => void): ModelFiles => {
  const modelJson = structuredClone(files.modelJson);
  change(modelJson);
  return { modelJson, weights: files.weights };
};

describe('/v1/models', () => {
  let t: TestApp;
  let team: Team;
  let other: Team;
  let files: ModelFiles;
  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
    other = await createTeam(t.config);
    files = await tinyModelFiles();
  });
  afterAll(async () => t.close());
  const post = () => request(t.app.server).post('/v1/models').set(team.auth);

  it('stores a sharded tfjs layers model: 201 with its input shape and summary; list, get, other team 404', async () => {
    const res = await attachModel(post().field('name', 'tiny'), files);
    expect(res.status).toBe(201);
    const weightBytes = [...files.weights.values()].reduce((n, b) => n + b.length, 0);
    expect(weightBytes).toBe((16 * 3 + 3 + 3 * 2 + 2) * 4);
    expect(res.body).toMatchObject({ name: 'tiny', format: 'tfjs-layers', inputShape: [4, 4, 1] });
    expect(res.body.bytes).toBeGreaterThan(weightBytes);
    expect(res.body.summary.layers.map((l: { name: string }) => l.name)).toEqual(['flat', 'features', 'classifier']);
    expect(res.body.summary.totalParams).toBe(16 * 3 + 3 + 3 * 2 + 2);
    const dir = path.join(t.config.storageDir, 'models', res.body.id);
    expect((await readdir(dir)).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);

    const list = await request(t.app.server).get('/v1/models').set(team.auth);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(res.body.id);
    expect((await request(t.app.server).get(`/v1/models/${res.body.id}`).set(team.auth)).body).toEqual(res.body);
    expect((await request(t.app.server).get(`/v1/models/${res.body.id}`).set(other.auth)).status).toBe(404);
    expect((await request(t.app.server).delete(`/v1/models/${res.body.id}`).set(other.auth)).status).toBe(404);
    expect((await request(t.app.server).get('/v1/models').set(other.auth)).body.items).toEqual([]);
  });

  it('tells a model converted from Keras by its convertedBy', async () => {
    const converted = withManifest(files, (m) => void (m.convertedBy = 'TensorFlow.js Converter v4.22.0'));
    const res = await attachModel(post(), converted);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'model', format: 'keras' });
  });

  it('deletes a model (files too), but answers 409 while a run references it', async () => {
    const up = await attachModel(post(), files);
    const zip = zipOf([{ name: 'a/1.png', data: await png(4, 4) }, { name: 'b/1.png', data: await png(4, 4, 1, 3) }]);
    const dataset = await request(t.app.server).post('/v1/datasets').set(team.auth).field('format', 'image-zip').attach('file', zip, 'ab.zip');
    const run = await request(t.app.server)
      .post('/v1/runs')
      .set(team.auth)
      .send({
        datasetId: dataset.body.id,
        transfer: { modelId: up.body.id, popLayers: 1, replaceHead: [{ type: 'dense', units: 2, activation: 'softmax' }], phases: [{ epochs: 1 }] },
        compile: { optimizer: { type: 'adam' }, loss: 'sparseCategoricalCrossentropy' },
        fit: { epochs: 1 },
      });
    expect(run.status).toBe(201);
    const refused = await request(t.app.server).delete(`/v1/models/${up.body.id}`).set(team.auth);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'CONFLICT', details: { runIds: [run.body.id] } });

    const free = await attachModel(post(), files);
    expect((await request(t.app.server).delete(`/v1/models/${free.body.id}`).set(team.auth)).status).toBe(204);
    await expect(access(path.join(t.config.storageDir, 'models', free.body.id))).rejects.toThrow();
    expect((await request(t.app.server).get(`/v1/models/${free.body.id}`).set(team.auth)).status).toBe(404);
  });
});

describe('POST /v1/models refuses bad uploads and leaves nothing behind', () => {
  let t: TestApp;
  let team: Team;
  let files: ModelFiles;
  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
    files = await tinyModelFiles();
  });
  afterAll(async () => t.close());
  afterEach(async () => {
    expect(await leftoversUnder(t.config.storageDir)).toEqual([]);
    expect((await request(t.app.server).get('/v1/models').set(team.auth)).body.items).toEqual([]);
  });

  const cases: { name: string; send: (req: Test) => Test; status?: number; code: string; details?: Record<string, unknown> }[] = [
    {
      name: 'a weight file missing',
      send: (req) => req.attach('model', Buffer.from(JSON.stringify(files.modelJson)), 'model.json').attach('weights', files.weights.get('group1-shard1of2.bin')!, 'group1-shard1of2.bin'),
      code: 'INVALID_UPLOAD',
      details: { missing: ['group1-shard2of2.bin'] },
    },
    { name: 'a weight file the manifest does not name', send: (req) => attachModel(req, files).attach('weights', Buffer.alloc(8), 'extra.bin'), code: 'INVALID_UPLOAD', details: { unexpected: ['extra.bin'] } },
    {
      name: 'weight files of the wrong size',
      send: (req) => attachModel(req, { modelJson: files.modelJson, weights: new Map([...files.weights].map(([n, b], i) => [n, i === 0 ? b.subarray(4) : b])) }),
      code: 'INVALID_UPLOAD',
      details: { expectedBytes: (16 * 3 + 3 + 3 * 2 + 2) * 4 },
    },
    {
      name: 'a manifest path climbing out with ../',
      send: (req) => attachModel(req, withManifest(files, (m) => (m.weightsManifest[0].paths[0] = '../../evil.bin')), { 'group1-shard1of2.bin': 'evil.bin' }),
      code: 'PATH_TRAVERSAL',
      details: { path: '../../evil.bin' },
    },
    { name: 'an absolute manifest path', send: (req) => attachModel(req, withManifest(files, (m) => (m.weightsManifest[0].paths[0] = '/etc/passwd'))), code: 'PATH_TRAVERSAL' },
    { name: 'a manifest path in a subfolder', send: (req) => attachModel(req, withManifest(files, (m) => (m.weightsManifest[0].paths[1] = 'sub/x.bin'))), code: 'PATH_TRAVERSAL' },
    { name: 'garbage instead of JSON', send: (req) => req.attach('model', Buffer.from('{"modelTopology": nope'), 'model.json'), code: 'INVALID_MODEL' },
    { name: 'JSON that is no model', send: (req) => req.attach('model', Buffer.from('{"hello":"world"}'), 'model.json'), code: 'INVALID_MODEL' },
    { name: 'a graph model', send: (req) => attachModel(req, withManifest(files, (m) => (m.format = 'graph-model'))), code: 'INVALID_MODEL' },
    {
      name: 'a topology tfjs cannot build',
      send: (req) =>
        attachModel(
          req,
          withManifest(files, (m) => {
            const topology = m.modelTopology as { config: { layers: { class_name: string }[] } };
            topology.config.layers[1].class_name = 'NoSuchLayer';
          }),
        ),
      code: 'INVALID_MODEL',
    },
    { name: 'no model.json', send: (req) => req.field('name', 'x').attach('weights', Buffer.alloc(8), 'a.bin'), code: 'INVALID_UPLOAD', details: { missing: ['model'] } },
    { name: 'an unknown text field', send: (req) => attachModel(req.field('label', 'x'), files), code: 'VALIDATION_FAILED' },
    { name: 'an unknown file part', send: (req) => attachModel(req, files).attach('topology', Buffer.from('{}'), 't.json'), code: 'INVALID_UPLOAD' },
    { name: 'JSON instead of multipart', send: (req) => req.send({ model: {} }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  ];

  it.each(cases)('$name → $code', async ({ send, status = 400, code, details }) => {
    const res = await send(request(t.app.server).post('/v1/models').set(team.auth));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (details) expect(res.body.error.details).toMatchObject(details);
  });
});

describe('POST /v1/models with a small BASE_MODEL_MAX_BYTES', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ BASE_MODEL_MAX_BYTES: '1024' });
  });
  afterAll(async () => t.close());

  it('answers 413 when the files add up past the limit, keeping nothing', async () => {
    const team = await createTeam(t.config);
    const files = await tinyModelFiles([16, 16, 1]);
    const res = await attachModel(request(t.app.server).post('/v1/models').set(team.auth), files);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await leftoversUnder(t.config.storageDir)).toEqual([]);
  });
});
