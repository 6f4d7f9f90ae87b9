import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTeam } from '../helper.ts';
import { collectUntilFinished, startStack, type Stack } from './harness.ts';
import { labelledIdx } from './fixtures/labelled-images.ts';

/**
 * 28×28 grayscale images in MNIST's IDX format: class 0 has a bright square on the left,
 * class 1 on the right, at random heights and with noise, so a CNN must learn where it is.
 */
function makeIdx(count: number, seed = 7) {
  return labelledIdx(count, 28, seed, (label, rand) => {
    const top = 2 + Math.floor(rand() * 16);
    const left = label === 0 ? 2 + Math.floor(rand() * 6) : 18 + Math.floor(rand() * 6);
    return (y, x) => (y >= top && y < top + 8 && x >= left && x < left + 8 ? 200 + Math.floor(rand() * 55) : Math.floor(rand() * 40));
  });
}

describe('end to end: a tiny CNN on generated 28×28 images', () => {
  let stack: Stack;
  let team: Awaited<ReturnType<typeof createTeam>>;

  beforeAll(async () => {
    stack = await startStack();
    team = await createTeam(stack.config);
  });
  afterAll(async () => stack?.close());

  it('trains through upload, queue, worker, stream and predict', async () => {
    const { images, labels } = makeIdx(96);
    const upload = await request(stack.app.server)
      .post('/v1/datasets')
      .set(team.auth)
      .field('format', 'idx')
      .attach('images', gzipSync(images), 'train-images-idx3-ubyte.gz')
      .attach('labels', labels, 'train-labels-idx1-ubyte');
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ numSamples: 96, inputShape: [28, 28, 1], numClasses: 2 });

    const submit = await request(stack.app.server)
      .post('/v1/runs')
      .set(team.auth)
      .send({
        datasetId: upload.body.id,
        model: {
          layers: [
            { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' },
            { type: 'maxPooling2d', poolSize: 2 },
            { type: 'flatten' },
            { type: 'dense', units: 2, activation: 'softmax' },
          ],
        },
        compile: { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'categoricalCrossentropy', metrics: ['accuracy'] },
        fit: { epochs: 4, batchSize: 16, validationSplit: 0.25 },
      });
    expect(submit.status).toBe(201);
    expect(submit.body.modelSummary.totalParams).toBe(4 * 9 + 4 + 13 * 13 * 4 * 2 + 2);

    const events = await collectUntilFinished(stack.clientFor(team.key), submit.body.id);
    const epochs = events.filter((e) => e.type === 'epoch') as unknown as { metrics: Record<string, number> }[];
    expect(epochs).toHaveLength(4);
    expect(Object.keys(epochs[0].metrics)).toEqual(expect.arrayContaining(['loss', 'acc', 'val_loss', 'val_acc']));
    expect(epochs[3].metrics.loss).toBeLessThan(epochs[0].metrics.loss);
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'completed' });

    // One image of each class, as raw pixels: the API scales them as training did.
    const sample = makeIdx(2, 99);
    const instances = [0, 1].map((n) => Array.from(sample.images.subarray(16 + n * 784, 16 + (n + 1) * 784)));
    const predict = await request(stack.app.server).post(`/v1/runs/${submit.body.id}/predict`).set(team.auth).send({ instances });
    expect(predict.status).toBe(200);
    expect(predict.body.predictions).toHaveLength(2);
    for (const p of predict.body.predictions) {
      expect(p.probabilities).toHaveLength(2);
      expect(p.probabilities[0] + p.probabilities[1]).toBeCloseTo(1, 4);
      expect(['0', '1']).toContain(p.className);
    }
  });
});
