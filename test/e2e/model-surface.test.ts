import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTeam } from '../helper.ts';
import { collectUntilFinished, startStack, type Stack } from './harness.ts';
import { labelledIdx } from './fixtures/labelled-images.ts';

/** 8×8 grayscale IDX images: class 1 is bright on the right half, class 0 on the left, with noise. */
function makeIdx(count: number, seed = 11) {
  return labelledIdx(count, 8, seed, (label, rand) => (_y, x) => ((x >= 4) === (label === 1) ? 180 + Math.floor(rand() * 75) : Math.floor(rand() * 60)));
}

const KERAS = JSON.parse(readFileSync(new URL('../model/fixtures/keras-cnn-8x8.json', import.meta.url), 'utf8'));

describe('end to end: graph, Keras JSON and multi-label runs', () => {
  let stack: Stack;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let imagesId: string;

  beforeAll(async () => {
    stack = await startStack();
    team = await createTeam(stack.config);
    const { images, labels } = makeIdx(48);
    const upload = await request(stack.app.server).post('/v1/datasets').set(team.auth).field('format', 'idx').attach('images', images, 'images-idx3-ubyte').attach('labels', labels, 'labels-idx1-ubyte');
    expect(upload.status).toBe(201);
    imagesId = upload.body.id;
  });
  afterAll(async () => stack?.close());

  const submit = (body: object) => request(stack.app.server).post('/v1/runs').set(team.auth).send(body);
  const finish = (runId: string) => collectUntilFinished(stack.clientFor(team.key), runId);
  const epochsOf = (events: { type: string }[]) => events.filter((e) => e.type === 'epoch') as unknown as { metrics: Record<string, number> }[];

  it('trains a tiny ResNet-style graph: conv → residual add → global pooling → dense', async () => {
    const res = await submit({
      datasetId: imagesId,
      model: {
        layers: [
          { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem' },
          { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', name: 'body' },
          { type: 'add', inputs: ['stem', 'body'], name: 'residual' },
          { type: 'activation', activation: 'relu' },
          { type: 'globalAveragePooling2d' },
          { type: 'dense', units: 2, activation: 'softmax' },
        ],
      },
      compile: { optimizer: { type: 'adam', learningRate: 0.05 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] },
      fit: { epochs: 3, batchSize: 16, seed: 1 },
    });
    expect(res.status).toBe(201);
    expect(res.body.modelSummary.layers.find((l: { name: string }) => l.name === 'residual')).toMatchObject({ type: 'Add', inputs: ['stem', 'body'] });
    const events = await finish(res.body.id);
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'completed' });
    const epochs = epochsOf(events);
    expect(epochs).toHaveLength(3);
    expect(epochs[2].metrics.loss).toBeLessThan(epochs[0].metrics.loss);
    const run = await request(stack.app.server).get(`/v1/runs/${res.body.id}`).set(team.auth);
    expect(run.body.modelSummary.totalParams).toBe(40 + 148 + 10);
  });

  it("trains Keras's to_json document, and refuses one whose input does not fit", async () => {
    const res = await submit({
      datasetId: imagesId,
      model: { keras: KERAS },
      compile: { optimizer: { type: 'adam', learningRate: 0.05 }, loss: 'categoricalCrossentropy', metrics: ['accuracy', 'precision'] },
      fit: { epochs: 2, batchSize: 16 },
    });
    expect(res.status).toBe(201);
    expect(res.body.modelSummary.totalParams).toBe(114);
    const events = await finish(res.body.id);
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'completed' });
    expect(Object.keys(epochsOf(events)[1].metrics)).toEqual(expect.arrayContaining(['loss', 'acc', 'precision']));

    const wrong = structuredClone(KERAS);
    wrong.config.layers[0].config.batch_input_shape = [null, 28, 28, 1];
    wrong.config.layers[1].config.batch_input_shape = [null, 28, 28, 1];
    const refused = await submit({ datasetId: imagesId, model: { keras: JSON.stringify(wrong) }, compile: { optimizer: { type: 'adam' }, loss: 'categoricalCrossentropy' }, fit: { epochs: 1 } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'INVALID_MODEL' });
    expect(refused.body.error.message).toContain('[28, 28, 1]');
  });

  it('trains the mlp preset on a multi-label CSV with sigmoid + binary crossentropy, and predicts label names', async () => {
    const rows = ['a,b,c,x,y'];
    for (let i = 0; i < 24; i++) {
      const a = (i * 7) % 10;
      const b = (i * 3) % 10;
      rows.push(`${a},${b},${(a + b) % 10},${a > 4 ? 1 : 0},${b > 4 ? 1 : 0}`);
    }
    const upload = await request(stack.app.server).post('/v1/datasets').set(team.auth).field('format', 'csv').field('label', 'x,y').attach('file', Buffer.from(rows.join('\n')), 'labels.csv');
    expect(upload.body).toMatchObject({ task: 'multilabel', targetShape: [2], classNames: ['x', 'y'] });
    const res = await submit({
      datasetId: upload.body.id,
      model: { preset: 'mlp', hiddenUnits: [8] },
      compile: { optimizer: { type: 'adam', learningRate: 0.05 }, loss: 'binaryCrossentropy', metrics: ['accuracy', 'recall'] },
      fit: { epochs: 4, batchSize: 8, seed: 2 },
    });
    expect(res.status).toBe(201);
    expect(res.body.modelSummary.layers.at(-1)).toMatchObject({ name: 'output', outputShape: [null, 2] });
    const events = await finish(res.body.id);
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'completed' });
    const epochs = epochsOf(events);
    expect(epochs[3].metrics.loss).toBeLessThan(epochs[0].metrics.loss);
    const predict = await request(stack.app.server).post(`/v1/runs/${res.body.id}/predict`).set(team.auth).send({ instances: [[9, 1, 0]] });
    expect(predict.status).toBe(200);
    expect(predict.body.predictions[0].probabilities).toHaveLength(2);
  });
});
