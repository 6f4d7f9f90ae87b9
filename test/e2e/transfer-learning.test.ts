import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { loadModelFromDir } from '../../src/model/file-model-io.ts';
import { createTeam } from '../helper.ts';
import { png, zipOf } from '../datasets/fixtures/zip.ts';
import { collectUntilFinished, startStack, type Stack } from './harness.ts';

/** Each named layer's weights as raw bytes, to compare byte for byte. */
function weightBytes(model: tf.LayersModel, names: string[]): Record<string, Buffer[]> {
  return Object.fromEntries(names.map((name) => [name, model.getLayer(name).getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).buffer.slice(0)))]));
}

/**
 * The course's procedure end to end on a tiny scale: a base CNN trained on generated images
 * (uploaded as an image zip, trained with augmentation), then a transfer run from it that
 * drops its classifier, adds a new head, trains the head with the base frozen (phase 1) and
 * fine-tunes the top of the base at a lower rate (phase 2).
 */
describe('end to end: transfer learning from a finished run', () => {
  let stack: Stack;
  let team: Awaited<ReturnType<typeof createTeam>>;

  beforeAll(async () => {
    stack = await startStack();
    team = await createTeam(stack.config);
  });
  afterAll(async () => stack?.close());

  const api = () => request(stack.app.server);
  const finish = async (runId: string) => {
    const events = await collectUntilFinished(stack.clientFor(team.key), runId);
    const final = events.at(-1)!;
    expect(final, JSON.stringify(events.filter((e) => e.type === 'log' || e.type === 'status'))).toMatchObject({ type: 'status', status: 'completed' });
    return events;
  };

  it('freezes the base in phase 1 (weights byte for byte), then fine-tunes its top in phase 2', async () => {
    const entries = [];
    for (let i = 0; i < 8; i++) {
      entries.push({ name: `dark/${i}.png`, data: await png(8, 8, 1, i) });
      entries.push({ name: `light/${i}.png`, data: await png(8, 8, 1, 40 + i) });
    }
    const dataset = await api().post('/v1/datasets').set(team.auth).field('format', 'image-zip').attach('file', zipOf(entries), 'shades.zip');
    expect(dataset.status).toBe(201);
    expect(dataset.body).toMatchObject({ numSamples: 16, inputShape: [8, 8, 1], classNames: ['dark', 'light'] });

    const compile = { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] };
    const baseRun = await api()
      .post('/v1/runs')
      .set(team.auth)
      .send({
        datasetId: dataset.body.id,
        model: {
          layers: [
            { type: 'conv2d', name: 'conv1', filters: 2, kernelSize: 3, activation: 'relu' },
            { type: 'conv2d', name: 'conv2', filters: 2, kernelSize: 3, activation: 'relu' },
            { type: 'flatten', name: 'flat' },
            { type: 'dense', name: 'old_head', units: 2, activation: 'softmax' },
          ],
        },
        compile,
        fit: { epochs: 1, batchSize: 8, seed: 1 },
        augmentation: { rotation: 10, shift: 0.1, horizontalFlip: true },
      });
    expect(baseRun.status).toBe(201);
    await finish(baseRun.body.id);
    const base = await loadModelFromDir(stack.app.storage.modelDir(baseRun.body.id));

    const submit = await api()
      .post('/v1/runs')
      .set(team.auth)
      .send({
        datasetId: dataset.body.id,
        transfer: {
          runId: baseRun.body.id,
          popLayers: 1,
          replaceHead: [
            { type: 'dense', units: 4, activation: 'relu' },
            { type: 'dense', name: 'new_head', units: 2, activation: 'softmax' },
          ],
          freezeUpTo: 'flat',
          phases: [{ epochs: 2 }, { epochs: 1, learningRate: 0.001, unfreezeFrom: 'conv2' }],
        },
        compile,
        fit: { epochs: 3, batchSize: 8, seed: 2 },
      });
    expect(submit.status, JSON.stringify(submit.body)).toBe(201);
    // Phase 1's model: the whole base frozen, only the head counts as trainable.
    const convParams = 3 * 3 * 1 * 2 + 2 + (3 * 3 * 2 * 2 + 2);
    expect(submit.body.modelSummary).toMatchObject({ nonTrainableParams: convParams, trainableParams: 4 * 4 * 2 * 4 + 4 + 4 * 2 + 2 });
    expect(submit.body.totalEpochs).toBe(3);

    const events = await finish(submit.body.id);
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.map((e) => [e.epoch, e.metrics.phase])).toEqual([[1, 1], [2, 1], [3, 2]]);
    const phaseLogs = events.flatMap((e) => (e.type === 'log' && /^phase \d of 2/.test(e.message) ? [e.message] : []));
    expect(phaseLogs).toHaveLength(2);
    expect(phaseLogs[0]).toMatch(/^phase 1 of 2 \(epochs 1–2\): feature extraction/);
    expect(phaseLogs[1]).toMatch(/^phase 2 of 2 \(epochs 3–3\): fine-tuning: base layers 1–2 \("conv2" up\).*learning rate 0\.001/);
    const metrics = await api().get(`/v1/runs/${submit.body.id}/metrics`).set(team.auth);
    expect(metrics.body.epochs.map((e: { phase: number }) => e.phase)).toEqual([1, 1, 2]);

    // Phase 1 ended with the checkpoint of epoch 2: the base's layers exactly as the source run left them.
    const checkpoint = await stack.app.db.checkpoint.findFirstOrThrow({ where: { runId: submit.body.id, epoch: 2 } });
    const afterPhase1 = await loadModelFromDir(checkpoint.path);
    const final = await loadModelFromDir(stack.app.storage.modelDir(submit.body.id));
    const baseWeights = weightBytes(base, ['conv1', 'conv2']);
    expect(weightBytes(afterPhase1, ['conv1', 'conv2'])).toEqual(baseWeights);
    // Phase 2 unfroze conv2 (and only it, of the base): conv1 still matches byte for byte, conv2 moved.
    const finalWeights = weightBytes(final, ['conv1', 'conv2']);
    expect(finalWeights.conv1).toEqual(baseWeights.conv1);
    expect(finalWeights.conv2).not.toEqual(baseWeights.conv2);
    // The new head trained in both phases.
    expect(weightBytes(final, ['new_head'])).not.toEqual(weightBytes(afterPhase1, ['new_head']));
    expect(final.layers.map((l) => l.name)).not.toContain('old_head');

    // The model downloads like any run's, and predicts the dataset's classes.
    const download = await api().get(`/v1/runs/${submit.body.id}/model/model.json`).set(team.auth);
    expect(download.status).toBe(200);
    const predict = await api().post(`/v1/runs/${submit.body.id}/predict`).set(team.auth).send({ instances: [Array(64).fill(30)] });
    expect(predict.status).toBe(200);
    expect(['dark', 'light']).toContain(predict.body.predictions[0].className);
    for (const m of [base, afterPhase1, final]) m.dispose();
  });
});
