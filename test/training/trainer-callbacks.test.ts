import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbacksSpecSchema } from '../../src/spec/callbacks-spec.schema.ts';
import type { TrainDataset, TrainingMessage as ChildMessage, TrainJob } from '../../src/training/training-job.ts';
import { removeTempDirs, tempDir, writeDataset, points } from './dataset-fixture.ts';
import { TrainerHarness } from './trainer-harness.ts';

/**
 * Callbacks, splits and class weights in a real trainer process, on a tiny dense model so
 * each run takes milliseconds. A plateau is made with a learning rate too small to move
 * the loss by minDelta.
 */
let trainer: TrainerHarness;
let train: TrainDataset;
let other: TrainDataset;
let otherTest: TrainDataset;

const info = { inputShape: [2], targetShape: [1], numClasses: 2, classNames: ['below', 'above'], task: 'classification' as const, preprocessing: { kind: 'none' as const } };

async function dataset(n: number, seed: number): Promise<TrainDataset> {
  const { features, targets } = points(n, seed);
  return { dir: await writeDataset(features, targets), numSamples: n, ...info };
}

beforeAll(async () => {
  trainer = new TrainerHarness('cpu');
  train = await dataset(40, 1);
  other = await dataset(12, 2);
  otherTest = await dataset(8, 3);
});

afterAll(async () => {
  await trainer?.close();
  await removeTempDirs();
});

type Spec = TrainJob['spec'];
function job(runDir: string, parts: { optimizer?: Spec['compile']['optimizer']; fit?: Partial<Spec['fit']>; callbacks?: object } = {}): TrainJob {
  return {
    runId: `run-${Math.random().toString(36).slice(2, 10)}`,
    spec: {
      datasetId: '6f1c1f8e-2b7a-4d47-9d7c-3f1f0f6f8b11',
      model: { layers: [{ type: 'dense', units: 2, activation: 'softmax' }] },
      compile: { optimizer: parts.optimizer ?? { type: 'adam', learningRate: 0.05 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] },
      fit: { epochs: 10, batchSize: 8, validationSplit: 0.25, testSplit: 0, shuffle: true, seed: 4, ...parts.fit },
      ...(parts.callbacks ? { callbacks: callbacksSpecSchema.parse(parts.callbacks) } : {}),
      priority: 50,
    } as Spec,
    dataset: train,
    runDir,
  };
}

async function run(j: TrainJob) {
  const from = trainer.messages.length;
  trainer.send({ type: 'train', job: j });
  const final = await Promise.race([trainer.waitFor('done', from, (m) => m.runId === j.runId), trainer.waitFor('failed', from, (m) => m.runId === j.runId)]);
  const msgs = trainer.runMessages(j.runId);
  const of = <T extends ChildMessage['type']>(type: T) => msgs.filter((m) => m.type === type) as Extract<ChildMessage, { type: T }>[];
  return { final, epochs: of('epoch'), checkpoints: of('checkpoint'), logs: of('log').map((m) => m.message) };
}

const PLATEAU = { type: 'sgd' as const, learningRate: 1e-7 };

describe('callbacks in the trainer', () => {
  it('early stopping ends a plateau after `patience` epochs and says why', async () => {
    const r = await run(job(await tempDir(), { optimizer: PLATEAU, callbacks: { earlyStopping: { patience: 3, minDelta: 0.001 } } }));
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(r.final).toMatchObject({ type: 'done', status: 'completed' });
    const done = r.final as Extract<ChildMessage, { type: 'done' }>;
    expect(done.stopReason).toMatch(/^early stopping: val_loss did not improve by 0\.001 for 3 epochs \(best [\d.]+ at epoch 1\)$/);
    expect(done.modelDir).toBeTruthy();
  });

  it('completes all epochs when nothing stops it', async () => {
    const r = await run(job(await tempDir(), { fit: { epochs: 2 } }));
    expect(r.final).toMatchObject({ status: 'completed', stopReason: 'completed all 2 epochs' });
  });

  it('restoreBestWeights: the final model holds the best epoch\'s weights', async () => {
    const runDir = await tempDir();
    // Maximising the loss makes the first epoch the best one while training really moves the weights.
    const r = await run(job(runDir, { callbacks: { earlyStopping: { monitor: 'loss', mode: 'max', patience: 2, restoreBestWeights: true } } }));
    const losses = r.epochs.map((e) => e.metrics.loss);
    const best = losses.indexOf(Math.max(...losses)) + 1;
    expect(r.epochs.length).toBeLessThan(10);
    expect(best).toBeLessThan(r.epochs.length);
    expect(r.logs).toContain(`restored the weights of epoch ${best} (best loss ${Number(losses[best - 1].toPrecision(4))})`);
    const final = await readFile(path.join(runDir, 'model', 'weights.bin'));
    expect(final.equals(await readFile(path.join(runDir, 'checkpoints', `epoch-${best}`, 'weights.bin')))).toBe(true);
    expect(final.equals(await readFile(path.join(runDir, 'checkpoints', `epoch-${r.epochs.length}`, 'weights.bin')))).toBe(false);
  });

  it('modelCheckpoint: every N epochs, or only new bests', async () => {
    const everyDir = await tempDir();
    const every = await run(job(everyDir, { fit: { epochs: 5 }, callbacks: { modelCheckpoint: { everyEpochs: 2 } } }));
    const kept = (r: { checkpoints: { epoch: number; batch?: number }[] }) => r.checkpoints.filter((c) => c.batch === undefined).map((c) => c.epoch);
    expect(kept(every)).toEqual([2, 4]);
    expect((await readdir(path.join(everyDir, 'checkpoints'))).filter((d) => !d.includes('batch')).sort()).toEqual(['epoch-2', 'epoch-4']);
    expect((await readdir(path.join(everyDir, 'checkpoints', 'epoch-4'))).sort()).toEqual(['callbacks.json', 'model.json', 'optimizer.bin', 'optimizer.json', 'weights.bin']);

    const best = await run(job(await tempDir(), { fit: { epochs: 5 }, callbacks: { modelCheckpoint: { monitor: 'val_loss', saveBestOnly: true } } }));
    let bestSoFar = Infinity;
    const expected = best.epochs.filter((e) => (e.metrics.val_loss < bestSoFar ? ((bestSoFar = e.metrics.val_loss), true) : false)).map((e) => e.epoch);
    expect(kept(best)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('an epoch the checkpoint policy skips still leaves a resume point, and resuming from it repeats the run exactly', async () => {
    const runDir = await tempDir();
    const callbacks = { modelCheckpoint: { everyEpochs: 3 } };
    const original = await run(job(runDir, { fit: { epochs: 5 }, callbacks }));
    // After epochs 1, 2 and 4 (skipped by everyEpochs 3): "the next epoch, 0 batches done". None after the last.
    expect(original.checkpoints.map((c) => [c.epoch, c.batch ?? null])).toEqual([[2, 0], [3, 0], [3, null], [5, 0]]);
    // A crash during epoch 5 resumes from the newest resume point, not from epoch 3.
    const resumed = await run({ ...job(await tempDir(), { fit: { epochs: 5 }, callbacks }), resumeFrom: { checkpointDir: path.join(runDir, 'checkpoints', 'epoch-5-batch-0'), epoch: 5, batch: 0 } });
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([5]);
    expect(resumed.epochs[0].metrics.loss).toBeCloseTo(original.epochs[4].metrics.loss, 6);
    expect(resumed.epochs[0].metrics.val_loss).toBeCloseTo(original.epochs[4].metrics.val_loss, 6);
  });

  it('reduceLROnPlateau lowers the rate a momentum optimizer steps with, and each epoch reports its rate', async () => {
    const r = await run(job(await tempDir(), { optimizer: { type: 'momentum', learningRate: 1e-6 }, fit: { epochs: 4 }, callbacks: { reduceLROnPlateau: { factor: 0.5, patience: 1 } } }));
    expect(r.epochs.map((e) => e.learningRate)).toEqual([1e-6, 1e-6, 5e-7, 2.5e-7]);
    expect(r.logs).toContain('reduceLROnPlateau: val_loss stopped improving; learning rate 0.000001 → 5e-7 from epoch 3');
  });

  it('a learning-rate schedule sets each epoch\'s rate', async () => {
    const r = await run(job(await tempDir(), { fit: { epochs: 3 }, callbacks: { learningRateSchedule: { type: 'stepDecay', factor: 0.5, everyEpochs: 1 } } }));
    expect(r.epochs.map((e) => e.learningRate)).toEqual([0.05, 0.025, 0.0125]);
  });

  it('a run resumed from a checkpoint keeps its callbacks\' counters and rate, and stops where the original did', async () => {
    const callbacks = { earlyStopping: { patience: 3, minDelta: 0.001 }, reduceLROnPlateau: { factor: 0.5, patience: 1 } };
    const runDir = await tempDir();
    const original = await run(job(runDir, { optimizer: PLATEAU, callbacks }));
    expect(original.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    const saved = JSON.parse(await readFile(path.join(runDir, 'checkpoints', 'epoch-2', 'callbacks.json'), 'utf8'));
    expect(saved).toMatchObject({ version: 1, learningRate: 5e-8, earlyStopping: { bestEpoch: 1, wait: 1 }, reduceLROnPlateau: { wait: 0 } });

    const resumed = await run({ ...job(await tempDir(), { optimizer: PLATEAU, callbacks }), resumeFrom: { checkpointDir: path.join(runDir, 'checkpoints', 'epoch-2'), epoch: 2 } });
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([3, 4]);
    expect(resumed.epochs.map((e) => e.learningRate)).toEqual(original.epochs.slice(2).map((e) => e.learningRate));
    expect((resumed.final as { stopReason: string }).stopReason).toBe((original.final as { stopReason: string }).stopReason);
  });
});

describe('splits and class weights in the trainer', () => {
  it('evaluates the final model on the test split: test metrics and a confusion matrix of the test samples', async () => {
    const r = await run(job(await tempDir(), { fit: { epochs: 3, testSplit: 0.25, validationSplit: 0.2 } }));
    const done = r.final as Extract<ChildMessage, { type: 'done' }>;
    expect(Object.keys(done.testMetrics!).sort()).toEqual(['acc', 'loss']);
    expect(done.confusionMatrix!.classNames).toEqual(['below', 'above']);
    expect(done.confusionMatrix!.matrix.flat().reduce((a, b) => a + b, 0)).toBe(10);
    const correct = done.confusionMatrix!.matrix[0][0] + done.confusionMatrix!.matrix[1][1];
    expect(done.testMetrics!.acc).toBeCloseTo(correct / 10, 5);
  });

  it('validates on a separate dataset each epoch and tests on another at the end', async () => {
    const r = await run({ ...job(await tempDir(), { fit: { epochs: 2, validationSplit: 0 } }), validationDataset: other, testDataset: otherTest });
    expect(Object.keys(r.epochs[0].metrics).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    const done = r.final as Extract<ChildMessage, { type: 'done' }>;
    expect(done.confusionMatrix!.matrix.flat().reduce((a, b) => a + b, 0)).toBe(8);
    expect(r.logs.some((l) => l.startsWith('test: loss') && l.endsWith('on 8 samples'))).toBe(true);
  });

  it('refuses a separate dataset of another shape', async () => {
    const r = await run({ ...job(await tempDir(), { fit: { epochs: 1, validationSplit: 0 } }), validationDataset: { ...other, inputShape: [3] } });
    expect(r.final).toMatchObject({ type: 'failed', code: 'INVALID_DATASET' });
  });

  it('class weights change the loss: all weights 2 double it', async () => {
    const fit = { epochs: 1, validationSplit: 0 };
    const plain = await run(job(await tempDir(), { optimizer: PLATEAU, fit }));
    const weighted = await run(job(await tempDir(), { optimizer: PLATEAU, fit: { ...fit, classWeight: { '0': 2, '1': 2 } } }));
    expect(weighted.epochs[0].metrics.loss / plain.epochs[0].metrics.loss).toBeCloseTo(2, 4);
    const balanced = await run(job(await tempDir(), { optimizer: PLATEAU, fit: { ...fit, classWeight: 'balanced' } }));
    expect(balanced.epochs[0].metrics.loss).not.toBeCloseTo(plain.epochs[0].metrics.loss, 6);
  });
});
