import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import * as tf from '@tensorflow/tfjs';
import { createTeam } from '../helper.ts';
import { collectUntilFinished, startStack, type Stack } from './harness.ts';

/** The course's table: three quiz scores → final score. */
const COURSE_TABLE = ['x1,x2,x3,y', '73,80,75,152', '93,88,93,185', '89,91,90,180', '96,98,100,196', '73,66,70,142'].join('\n');

describe('end to end: H(X) = XW + b on the course table', () => {
  let stack: Stack;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let runId: string;

  beforeAll(async () => {
    stack = await startStack();
    team = await createTeam(stack.config);
  });
  afterAll(async () => stack?.close());

  it('uploads the table, trains one dense unit, streams every epoch, and the loss falls', async () => {
    const upload = await request(stack.app.server)
      .post('/v1/datasets')
      .set(team.auth)
      .field('format', 'csv')
      .field('label', 'y')
      .field('task', 'regression')
      .attach('file', Buffer.from(COURSE_TABLE), 'scores.csv');
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ status: 'ready', numSamples: 5, inputShape: [3] });

    const submit = await request(stack.app.server)
      .post('/v1/runs')
      .set(team.auth)
      .send({
        datasetId: upload.body.id,
        model: { layers: [{ type: 'dense', units: 1 }] },
        compile: { optimizer: { type: 'sgd', learningRate: 0.1 }, loss: 'meanSquaredError' },
        fit: { epochs: 60, batchSize: 5 },
      });
    expect(submit.status).toBe(201);
    expect(submit.body.status).toBe('queued');
    runId = submit.body.id;

    const events = await collectUntilFinished(`${stack.wsUrl}/v1/runs/${runId}/events`, team.auth);
    // Every event exactly once, numbered 1..n, in order.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'status').map((e) => e.status)).toEqual(['queued', 'running', 'completed']);
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));

    const run = await request(stack.app.server).get(`/v1/runs/${runId}`).set(team.auth);
    expect(run.body).toMatchObject({ status: 'completed', currentEpoch: 60, backend: 'cpu' });
    expect(run.body.startedAt).toBeTruthy();
    expect(run.body.finishedAt).toBeTruthy();

    const metrics = await request(stack.app.server).get(`/v1/runs/${runId}/metrics`).set(team.auth);
    const losses = metrics.body.epochs.map((e: { loss: number }) => e.loss);
    expect(losses).toHaveLength(60);
    expect(losses[59]).toBeLessThan(losses[0] / 100);
    for (const e of metrics.body.epochs) {
      expect(e.durationMs).toBeGreaterThanOrEqual(0);
      expect(e.samplesPerSec).toBeGreaterThan(0);
    }

    const checkpoints = await request(stack.app.server).get(`/v1/runs/${runId}/checkpoints`).set(team.auth);
    expect(checkpoints.body.checkpoints.length).toBeGreaterThan(0);
    expect(checkpoints.body.checkpoints.at(-1)).toMatchObject({ epoch: 60 });
  });

  it('predicts in the units of the data, with the training preprocessing applied', async () => {
    const res = await request(stack.app.server)
      .post(`/v1/runs/${runId}/predict`)
      .set(team.auth)
      .send({ instances: [[73, 80, 75], [96, 98, 100]] });
    expect(res.status).toBe(200);
    const [low, high] = res.body.predictions.map((p: { value: number[] }) => p.value[0]);
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
});
