import { readdir } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/training/seeded-random.ts';
import { createTeam } from '../helper.ts';
import { collectUntilFinished, startStack, type Stack } from './harness.ts';

/** `n` rows x1,x2,label: "above" when x1 > x2. Deterministic. */
function pointsCsv(n: number, seed: number, extraColumn = false) {
  const next = seededRandom(seed);
  const rand = () => Math.round((next() * 20 - 10) * 100) / 100;
  const rows = [extraColumn ? 'x1,x2,x3,label' : 'x1,x2,label'];
  for (let i = 0; i < n; i++) {
    const [a, b] = [rand(), rand()];
    rows.push([a, b, ...(extraColumn ? [rand()] : []), a > b ? 'above' : 'below'].join(','));
  }
  return Buffer.from(rows.join('\n') + '\n');
}

describe('end to end: callbacks, splits and evaluate', () => {
  let stack: Stack;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let stranger: Awaited<ReturnType<typeof createTeam>>;
  const ids: Record<string, string> = {};
  let runId: string;

  const upload = async (auth: Record<string, string>, file: Buffer, name: string) => {
    const res = await request(stack.app.server).post('/v1/datasets').set(auth).field('format', 'csv').field('label', 'label').field('task', 'classification').attach('file', file, name);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const spec = (fit: object, callbacks?: object) => ({
    datasetId: ids.train,
    model: { layers: [{ type: 'dense', units: 2, activation: 'softmax' }] },
    compile: { optimizer: { type: 'adam', learningRate: 0.05 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] },
    fit: { epochs: 6, batchSize: 8, seed: 1, ...fit },
    ...(callbacks ? { callbacks } : {}),
  });

  beforeAll(async () => {
    stack = await startStack();
    team = await createTeam(stack.config);
    stranger = await createTeam(stack.config);
    ids.train = await upload(team.auth, pointsCsv(40, 1), 'train.csv');
    ids.validation = await upload(team.auth, pointsCsv(12, 2), 'validation.csv');
    ids.wide = await upload(team.auth, pointsCsv(10, 3, true), 'wide.csv');
    ids.foreign = await upload(stranger.auth, pointsCsv(12, 4), 'foreign.csv');
  });
  afterAll(async () => stack?.close());

  it('refuses extra datasets that are not the team\'s or not shaped like the training data, and monitors the run will not report', async () => {
    const post = (body: object) => request(stack.app.server).post('/v1/runs').set(team.auth).send(body);
    const mismatch = await post(spec({ validationDatasetId: ids.wide }));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toMatchObject({ code: 'DATASET_MISMATCH', details: { path: ['fit', 'validationDatasetId'], differences: { inputShape: { expected: [2], got: [3] } } } });
    const foreign = await post(spec({ testDatasetId: ids.foreign }));
    expect(foreign.status).toBe(404);
    const monitor = await post(spec({}, { earlyStopping: { monitor: 'val_acc' } }));
    expect(monitor.status).toBe(400);
    expect(monitor.body.error.message).toMatch(/no validation data/);
    const both = await post(spec({ validationSplit: 0.2, validationDatasetId: ids.validation }));
    expect(both.status).toBe(400);
    const list = await request(stack.app.server).get('/v1/runs').set(team.auth);
    expect(list.body.items).toEqual([]);
  });

  it('trains with a test split and a validation dataset: test metrics, confusion matrix, learning rates, pruned checkpoints', async () => {
    const submit = await request(stack.app.server)
      .post('/v1/runs')
      .set(team.auth)
      .send(spec({ testSplit: 0.25, validationDatasetId: ids.validation }, { modelCheckpoint: { keep: 2 }, earlyStopping: { patience: 10 } }));
    expect(submit.status).toBe(201);
    runId = submit.body.id;
    const events = await collectUntilFinished(stack.clientFor(team.key), runId);
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'completed', stopReason: 'completed all 6 epochs' });
    expect(events.filter((e) => e.type === 'log').map((e) => e.message)).toContain('modelCheckpoint: removed the checkpoint of epoch 1 (keep 2)');

    const run = (await request(stack.app.server).get(`/v1/runs/${runId}`).set(team.auth)).body;
    expect(run).toMatchObject({ validationDatasetId: ids.validation, testDatasetId: null, stopReason: 'completed all 6 epochs' });
    expect(Object.keys(run.testMetrics).sort()).toEqual(['acc', 'loss']);
    expect(run.confusionMatrix.classNames).toHaveLength(2);
    expect(run.confusionMatrix.matrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(10);
    expect(run.spec.callbacks).toMatchObject({ modelCheckpoint: { keep: 2 } });

    const metrics = (await request(stack.app.server).get(`/v1/runs/${runId}/metrics`).set(team.auth)).body;
    expect(metrics.epochs.map((e: { learningRate: number }) => e.learningRate)).toEqual([0.05, 0.05, 0.05, 0.05, 0.05, 0.05]);
    expect(metrics.epochs[0].val_loss).toEqual(expect.any(Number));

    const checkpoints = (await request(stack.app.server).get(`/v1/runs/${runId}/checkpoints`).set(team.auth)).body.checkpoints;
    expect(checkpoints.map((c: { epoch: number }) => c.epoch)).toEqual([5, 6]);
    expect((await readdir(path.join(stack.config.storageDir, 'runs', runId, 'checkpoints'))).sort()).toEqual(['epoch-5', 'epoch-6']);
  });

  it('keeps a dataset a run validates on from being deleted', async () => {
    const res = await request(stack.app.server).delete(`/v1/datasets/${ids.validation}`).set(team.auth);
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body.error.details)).toContain(runId);
  });

  it('evaluates the final model on a matching dataset', async () => {
    const res = await request(stack.app.server).post(`/v1/runs/${runId}/evaluate`).set(team.auth).send({ datasetId: ids.validation });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ runId, datasetId: ids.validation, numSamples: 12 });
    expect(Object.keys(res.body.metrics).sort()).toEqual(['acc', 'loss']);
    const matrix: number[][] = res.body.confusionMatrix.matrix;
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(12);
    expect(res.body.metrics.acc).toBeCloseTo((matrix[0][0] + matrix[1][1]) / 12, 5);
  });

  it('answers evaluate errors: 400 mismatch, 404 for other teams, 409 without a model', async () => {
    const post = (id: string, auth: Record<string, string>, body: object) => request(stack.app.server).post(`/v1/runs/${id}/evaluate`).set(auth).send(body);
    const mismatch = await post(runId, team.auth, { datasetId: ids.wide });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.code).toBe('DATASET_MISMATCH');
    expect((await post(runId, team.auth, { datasetId: ids.foreign })).status).toBe(404);
    expect((await post(runId, stranger.auth, { datasetId: ids.foreign })).status).toBe(404);
    expect((await post(runId, team.auth, { datasetId: 'nope' })).status).toBe(400);

    const queued = await request(stack.app.server).post('/v1/runs').set(team.auth).send(spec({ epochs: 500 }));
    await request(stack.app.server).post(`/v1/runs/${queued.body.id}/cancel`).set(team.auth);
    const noModel = await post(queued.body.id, team.auth, { datasetId: ids.validation });
    expect(noModel.status).toBe(409);
    expect(noModel.body.error.code).toBe('NO_MODEL');
  });
});
