import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { unwrap, type TrainyardClient } from '../../client/src/index.ts';
import { createTeam } from '../helper.ts';
import { COURSE_TABLE } from '../datasets/fixtures/csv.ts';
import { collectUntilFinished, startStack, type Stack } from './harness.ts';

/**
 * Through the typed client (`client/`), as a user's program would: a field the API stops
 * sending, or renames, without openapi.yaml saying so fails this file's typecheck or its asserts.
 */
describe('end to end: H(X) = XW + b on the course table', () => {
  let stack: Stack;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let client: TrainyardClient;
  let runId: string;

  beforeAll(async () => {
    stack = await startStack();
    team = await createTeam(stack.config);
    client = stack.clientFor(team.key);
  });
  afterAll(async () => stack?.close());

  it('uploads the table, trains one dense unit, streams every epoch, and the loss falls', async () => {
    const table = Buffer.from(COURSE_TABLE);
    const progress: number[] = [];
    const dataset = await client.uploadDataset({
      fields: { format: 'csv', label: 'y', task: 'regression' },
      files: [{ field: 'file', filename: 'scores.csv', size: table.length, open: async function* () { yield table; } }],
      onProgress: (sent, total) => progress.push(sent / total),
    });
    expect(dataset).toMatchObject({ status: 'ready', numSamples: 5, inputShape: [3] });
    expect(progress.at(-1)).toBe(1);

    const run = await unwrap(client.api.POST('/v1/runs', {
      body: {
        datasetId: dataset.id,
        model: { layers: [{ type: 'dense', units: 1 }] },
        compile: { optimizer: { type: 'sgd', learningRate: 0.1 }, loss: 'meanSquaredError' },
        fit: { epochs: 60, batchSize: 5 },
      },
    }));
    expect(run.status).toBe('queued');
    runId = run.id;

    const events = await collectUntilFinished(client, runId);
    // Every event exactly once, numbered 1..n, in order.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.flatMap((e) => (e.type === 'status' ? [e.status] : []))).toEqual(['queued', 'running', 'completed']);
    expect(events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : []))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));

    const path = { id: runId };
    const finished = await unwrap(client.api.GET('/v1/runs/{id}', { params: { path } }));
    expect(finished).toMatchObject({ status: 'completed', currentEpoch: 60, backend: 'cpu' });
    expect(finished.startedAt).toBeTruthy();
    expect(finished.finishedAt).toBeTruthy();

    const metrics = await unwrap(client.api.GET('/v1/runs/{id}/metrics', { params: { path } }));
    const losses = metrics.epochs.map((e) => e.loss);
    expect(losses).toHaveLength(60);
    expect(losses[59]).toBeLessThan(losses[0] / 100);
    for (const e of metrics.epochs) {
      expect(e.durationMs).toBeGreaterThanOrEqual(0);
      expect(e.samplesPerSec).toBeGreaterThan(0);
    }

    const { checkpoints } = await unwrap(client.api.GET('/v1/runs/{id}/checkpoints', { params: { path } }));
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(checkpoints.at(-1)).toMatchObject({ epoch: 60 });
  });

  it('predicts in the units of the data, with the training preprocessing applied', async () => {
    const { predictions } = await unwrap(client.api.POST('/v1/runs/{id}/predict', { params: { path: { id: runId } }, body: { instances: [[73, 80, 75], [96, 98, 100]] } }));
    const [low, high] = predictions.map((p) => ('value' in p ? p.value[0] : NaN));
    expect(Math.abs(low - 152)).toBeLessThan(10);
    expect(Math.abs(high - 196)).toBeLessThan(10);
  });

  it('serves a model that tf.loadLayersModel reads straight from the API', async () => {
    const model = await tf.loadLayersModel(`${stack.baseUrl}/v1/runs/${runId}/model/model.json`, { requestInit: { headers: team.auth } });
    expect(model.inputs[0].shape).toEqual([null, 3]);
    const [kernel] = model.getWeights();
    expect(kernel.shape).toEqual([3, 1]);
    model.dispose();
  });

  it('turns the API\'s error envelope into a TrainyardApiError with its code, and a refused stream too', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(unwrap(client.api.GET('/v1/runs/{id}', { params: { path: { id: missing } } }))).rejects.toMatchObject({ name: 'TrainyardApiError', status: 404, code: 'NOT_FOUND' });
    await expect(collectUntilFinished(client, missing)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(stack.clientFor('ty_wrong').uploadDataset({ fields: { format: 'csv' }, files: [] })).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });
});
