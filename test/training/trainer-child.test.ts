import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quizScores, squaresImages, squaresJob, removeTempDirs, tempDir, writeDataset } from './dataset-fixture.ts';
import { TrainerHarness } from './trainer-harness.ts';

/** One trainer process for the whole file: it stays up between runs, as in the worker. */
let trainer: TrainerHarness;
let squaresDir: string;

beforeAll(async () => {
  trainer = new TrainerHarness('cpu');
  const { features, targets } = squaresImages(64);
  squaresDir = await writeDataset(features, targets);
});

afterAll(async () => {
  await trainer?.close();
  await removeTempDirs();
});

describe('trainer.child', () => {
  let firstRunDir: string;

  it('announces its backend first', async () => {
    const ready = await trainer.waitFor('ready');
    expect(trainer.messages[0]).toBe(ready);
    expect(ready).toMatchObject({ backend: 'cpu', fallbackReasons: [] });
    expect(ready.device).toMatch(/^CPU \(\d+ cores/);
  });

  it('trains a tiny CNN: messages in protocol order, accuracy above chance, checkpoints on disk', async () => {
    firstRunDir = await tempDir();
    const job = squaresJob(squaresDir, firstRunDir, { epochs: 4 });
    const from = trainer.messages.length;
    trainer.send({ type: 'train', job });
    const done = await trainer.waitFor('done', from);
    const msgs = trainer.runMessages(job.runId);
    expect(msgs.map((m) => (m.type === 'epoch' || m.type === 'checkpoint' ? `${m.type}${m.epoch}` : m.type))).toEqual([
      'started',
      'epoch1',
      'checkpoint1',
      'epoch2',
      'checkpoint2',
      'epoch3',
      'checkpoint3',
      'epoch4',
      'checkpoint4',
      'done',
    ]);
    const started = msgs[0] as Extract<(typeof msgs)[0], { type: 'started' }>;
    expect(started).toMatchObject({ totalEpochs: 4, startEpoch: 1 });
    expect(started.summary.layers.map((l) => l.type)).toEqual(['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']);
    const epochs = msgs.filter((m) => m.type === 'epoch');
    const last = epochs[epochs.length - 1];
    expect(Object.keys(last.metrics).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    expect(last.metrics.acc).toBeGreaterThan(0.7);
    expect(last.learningRate).toBe(0.01);
    expect(last.durationMs).toBeGreaterThan(0);
    expect(done).toMatchObject({ status: 'completed', modelDir: path.join(firstRunDir, 'model') });
    expect((await readdir(path.join(firstRunDir, 'checkpoints'))).sort()).toEqual(['epoch-1', 'epoch-2', 'epoch-3', 'epoch-4']);
    expect((await readdir(path.join(firstRunDir, 'checkpoints', 'epoch-4'))).sort()).toEqual(['model.json', 'optimizer.bin', 'optimizer.json', 'weights.bin']);
    expect((await readdir(path.join(firstRunDir, 'model'))).sort()).toEqual(['model.json', 'weights.bin']);
    const checkpoint = msgs.find((m) => m.type === 'checkpoint')!;
    expect(checkpoint).toMatchObject({ epoch: 1, dir: path.join(firstRunDir, 'checkpoints', 'epoch-1') });
  });

  it('resumes from a checkpoint with its optimizer state and continues the epoch count', async () => {
    const runDir = await tempDir();
    const job = { ...squaresJob(squaresDir, runDir, { epochs: 4 }), resumeFrom: { checkpointDir: path.join(firstRunDir, 'checkpoints', 'epoch-2'), epoch: 2 } };
    const from = trainer.messages.length;
    trainer.send({ type: 'train', job });
    await trainer.waitFor('done', from);
    const msgs = trainer.runMessages(job.runId);
    // 48 training samples in batches of 16: 3 steps per epoch, so 6 after epoch 2.
    expect(msgs.find((m) => m.type === 'log')).toMatchObject({ message: 'resumed after epoch 2; optimizer at iteration 6' });
    expect(msgs.find((m) => m.type === 'started')).toMatchObject({ startEpoch: 3, totalEpochs: 4 });
    expect(msgs.filter((m) => m.type === 'epoch').map((m) => m.epoch)).toEqual([3, 4]);
    expect(msgs[msgs.length - 1]).toMatchObject({ type: 'done', status: 'completed' });
  });

  it('stops at the next batch on cancel, keeping the checkpoints of finished epochs', async () => {
    const runDir = await tempDir();
    const job = squaresJob(squaresDir, runDir, { epochs: 1000 });
    const from = trainer.messages.length;
    trainer.send({ type: 'train', job });
    await trainer.waitFor('checkpoint', from);
    trainer.send({ type: 'cancel' });
    const done = await trainer.waitFor('done', from);
    expect(done).toMatchObject({ status: 'canceled', modelDir: null });
    expect(done.stopReason).toMatch(/^canceled by user after epoch \d+$/);
    const epochs = trainer.runMessages(job.runId).filter((m) => m.type === 'epoch').length;
    expect(epochs).toBeLessThan(5);
    expect(await readdir(path.join(runDir, 'checkpoints'))).toContain('epoch-1');
    await expect(access(path.join(runDir, 'model'))).rejects.toThrow();
  });

  it('fails a run whose loss becomes NaN with NAN_LOSS', async () => {
    const quiz = quizScores();
    const dir = await writeDataset(quiz.features, quiz.targets);
    const job = squaresJob(dir, await tempDir(), { epochs: 20, batchSize: 1, validationSplit: 0 }, 5);
    job.dataset = { dir, numSamples: 5, ...quiz.info };
    job.spec = { ...job.spec, model: { layers: [{ type: 'dense', units: 1 }] }, compile: { optimizer: { type: 'sgd', learningRate: 1e30 }, loss: 'meanSquaredError' } };
    const from = trainer.messages.length;
    trainer.send({ type: 'train', job });
    const failed = await trainer.waitFor('failed', from);
    expect(failed).toMatchObject({ runId: job.runId, code: 'NAN_LOSS' });
    expect(failed.message).toMatch(/^the loss became (NaN|Infinity) at epoch 1/);
  });

  it('fails with INVALID_MODEL and DATASET_UNREADABLE, and keeps serving', async () => {
    const from = trainer.messages.length;
    const bad = squaresJob(squaresDir, await tempDir());
    bad.spec = { ...bad.spec, model: { layers: [{ type: 'dense', units: 3, activation: 'softmax' }] } };
    trainer.send({ type: 'train', job: bad });
    const invalid = await trainer.waitFor('failed', from);
    expect(invalid).toMatchObject({ runId: bad.runId, code: 'INVALID_MODEL' });

    const missing = squaresJob(path.join(squaresDir, 'nope'), await tempDir());
    trainer.send({ type: 'train', job: missing });
    expect(await trainer.waitFor('failed', from, (m) => m.runId === missing.runId)).toMatchObject({ code: 'DATASET_UNREADABLE' });
  });

  it('refuses a forced backend that is not installed, saying why', async () => {
    const native = new TrainerHarness('tfjs-node');
    const failed = await native.waitFor('failed');
    expect(failed).toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining('tfjs-node: not installed') });
    await native.close();
  });
});
