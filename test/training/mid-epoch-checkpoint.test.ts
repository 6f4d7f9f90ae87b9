import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainDataset, TrainingMessage as ChildMessage, TrainJob } from '../../src/training/training-job.ts';
import { removeTempDirs, tempDir, writeDataset, points } from './dataset-fixture.ts';
import { TrainerHarness } from './trainer-harness.ts';

/**
 * Mid-epoch checkpoints in a real trainer process: with a tiny interval one is written before
 * every batch but an epoch's first, and a run resumed from one ends with the same weights
 * (bit for bit) and the same epoch metrics as a run never interrupted. The model has no
 * dropout (not seeded) and the run a seed, so both runs see the same batches.
 */
let trainer: TrainerHarness;
let train: TrainDataset;

beforeAll(async () => {
  trainer = new TrainerHarness('cpu');
  const { features, targets } = points(40, 1);
  train = {
    dir: await writeDataset(features, targets),
    numSamples: 40,
    inputShape: [2],
    targetShape: [1],
    numClasses: 2,
    classNames: ['below', 'above'],
    task: 'classification',
    preprocessing: { kind: 'none' },
  };
});

afterAll(async () => {
  await trainer?.close();
  await removeTempDirs();
});

// 40 samples, 25% validation: 30 training samples in batches of 8, so 4 batches (8, 8, 8, 6) per epoch.
const BATCHES = 4;
const EPOCHS = 3;

function job(runDir: string, extra: Partial<TrainJob> = {}): TrainJob {
  return {
    runId: `run-${Math.random().toString(36).slice(2, 10)}`,
    spec: {
      datasetId: '6f1c1f8e-2b7a-4d47-9d7c-3f1f0f6f8b11',
      model: { layers: [{ type: 'dense', units: 6, activation: 'relu' }, { type: 'dense', units: 2, activation: 'softmax' }] },
      compile: { optimizer: { type: 'adam', learningRate: 0.05 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] },
      fit: { epochs: EPOCHS, batchSize: 8, validationSplit: 0.25, testSplit: 0, shuffle: true, seed: 4 },
      priority: 50,
    } as TrainJob['spec'],
    dataset: train,
    runDir,
    ...extra,
  };
}

async function run(j: TrainJob) {
  const from = trainer.messages.length;
  trainer.send({ type: 'train', job: j });
  const final = await Promise.race([trainer.waitFor('done', from, (m) => m.runId === j.runId), trainer.waitFor('failed', from, (m) => m.runId === j.runId)]);
  const msgs = trainer.runMessages(j.runId);
  const of = <T extends ChildMessage['type']>(type: T) => msgs.filter((m) => m.type === type) as Extract<ChildMessage, { type: T }>[];
  const weights = await readFile(path.join(j.runDir, 'model', 'weights.bin')).catch(() => null);
  return { final, epochs: of('epoch'), checkpoints: of('checkpoint'), logs: of('log').map((m) => m.message), weights };
}

function expectSameMetrics(a: Record<string, number>, b: Record<string, number>) {
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  for (const [name, value] of Object.entries(a)) expect(Math.abs(b[name] - value), name).toBeLessThan(1e-6);
}

describe('mid-epoch checkpoints', () => {
  it('writes one per batch boundary with the batch count, and resuming from it equals never stopping', async () => {
    const plain = await run(job(await tempDir()));
    expect(plain.final).toMatchObject({ type: 'done', status: 'completed' });
    expect(plain.checkpoints.every((c) => c.batch === undefined)).toBe(true);

    const runDir = await tempDir();
    const ticking = await run(job(runDir, { checkpointEveryMs: 0.001 }));
    expect(ticking.final).toMatchObject({ type: 'done', status: 'completed' });
    // Before batches 2..4 of each epoch (never after the last one), then the end-of-epoch checkpoint.
    const perEpoch = [...Array.from({ length: BATCHES - 1 }, (_, i) => i + 1), undefined];
    expect(ticking.checkpoints.map((c) => [c.epoch, c.batch])).toEqual(
      Array.from({ length: EPOCHS }, (_, e) => perEpoch.map((b) => [e + 1, b])).flat(),
    );
    const mid = ticking.checkpoints.find((c) => c.epoch === 2 && c.batch === 2)!;
    expect(mid.dir).toBe(path.join(runDir, 'checkpoints', 'epoch-2-batch-2'));
    expect((await readdir(mid.dir)).sort()).toEqual(['epoch-progress.json', 'model.json', 'optimizer.bin', 'optimizer.json', 'weights.bin']);
    const progress = JSON.parse(await readFile(path.join(mid.dir, 'epoch-progress.json'), 'utf8'));
    expect(progress).toMatchObject({ epoch: 2, batch: 2, seen: 16 });
    expect(Object.keys(progress.sums).sort()).toEqual(['acc', 'loss']);
    expect(mid.metrics.loss).toBeCloseTo(progress.sums.loss / 16, 12);
    // Checkpointing changes nothing about training.
    expect(ticking.weights!.equals(plain.weights!)).toBe(true);
    ticking.epochs.forEach((e, i) => expectSameMetrics(plain.epochs[i].metrics, e.metrics));

    const resumed = await run(job(await tempDir(), { resumeFrom: { checkpointDir: mid.dir, epoch: 2, batch: 2 } }));
    expect(resumed.final).toMatchObject({ type: 'done', status: 'completed' });
    // 4 steps in epoch 1 and 2 in epoch 2.
    expect(resumed.logs).toContain('resumed in epoch 2 after batch 2; optimizer at iteration 6');
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([2, 3]);
    expect(resumed.weights!.equals(plain.weights!)).toBe(true);
    expectSameMetrics(plain.epochs[1].metrics, resumed.epochs[0].metrics);
    expectSameMetrics(plain.epochs[2].metrics, resumed.epochs[1].metrics);
  });

  it('a transfer run resumed mid-epoch inside its fine-tuning phase equals one never stopped', async () => {
    const baseDir = await tempDir();
    expect((await run(job(baseDir))).final).toMatchObject({ status: 'completed' });
    const transferJob = (runDir: string, extra: Partial<TrainJob> = {}): TrainJob => {
      const plain = job(runDir);
      return {
        ...plain,
        spec: {
          ...plain.spec,
          model: undefined,
          transfer: {
            runId: '0b7d6a52-8a0e-4f57-9a3a-5c1d2f1e9a01',
            popLayers: 1,
            replaceHead: [{ type: 'dense', units: 2, activation: 'softmax' }],
            freezeUpTo: 0,
            // Phase 1 (epoch 1) trains the head on a frozen base; phase 2 (epochs 2-3) the whole model at a lower rate.
            phases: [{ epochs: 1 }, { epochs: 2, learningRate: 0.01, unfreezeFrom: 0 }],
          },
        } as TrainJob['spec'],
        baseModelDir: path.join(baseDir, 'model'),
        ...extra,
      };
    };
    const plain = await run(transferJob(await tempDir()));
    expect(plain.final).toMatchObject({ type: 'done', status: 'completed' });
    expect(plain.epochs.map((e) => e.metrics.phase)).toEqual([1, 2, 2]);
    const ticking = await run(transferJob(await tempDir(), { checkpointEveryMs: 0.001 }));
    const mid = ticking.checkpoints.find((c) => c.epoch === 2 && c.batch === 2)!;
    expect(mid).toBeDefined();
    const resumed = await run(transferJob(await tempDir(), { resumeFrom: { checkpointDir: mid.dir, epoch: 2, batch: 2 } }));
    expect(resumed.final).toMatchObject({ type: 'done', status: 'completed' });
    // Phase 2's own optimizer, 2 steps in.
    expect(resumed.logs).toContain('resumed in epoch 2 after batch 2; optimizer at iteration 2');
    expect(resumed.epochs.map((e) => [e.epoch, e.metrics.phase])).toEqual([[2, 2], [3, 2]]);
    expect(resumed.weights!.equals(plain.weights!)).toBe(true);
    expectSameMetrics(plain.epochs[1].metrics, resumed.epochs[0].metrics);
    expectSameMetrics(plain.epochs[2].metrics, resumed.epochs[1].metrics);
  });

  it('refuses a mid-epoch checkpoint whose progress does not match the job with CHECKPOINT_UNREADABLE', async () => {
    const runDir = await tempDir();
    const first = await run(job(runDir, { checkpointEveryMs: 0.001, spec: { ...job(runDir).spec, fit: { ...job(runDir).spec.fit, epochs: 1 } } }));
    const mid = first.checkpoints.find((c) => c.batch === 1)!;
    const r = await run(job(await tempDir(), { resumeFrom: { checkpointDir: mid.dir, epoch: 1, batch: 3 } }));
    expect(r.final).toMatchObject({ type: 'failed', code: 'CHECKPOINT_UNREADABLE' });
    expect(r.final).toHaveProperty('message', 'the mid-epoch checkpoint holds epoch 1, batch 1, not epoch 1, batch 3');
  });
});
