import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComputeClient } from '../../src/compute/compute-client.ts';
import { AppError } from '../../src/errors/app-error.ts';
import { buildModel } from '../../src/model/build-model.ts';
import { fileSaveHandler } from '../../src/model/file-model-io.ts';
import { runSpecSchema } from '../../src/spec/run-spec.schema.ts';
import { runTraining } from '../../src/training/run-training.ts';
import { flattenPredictInput } from '../../src/compute/predict-inputs.ts';
import type { ChildMessage } from '../../workers/trainer/trainer-protocol.ts';
import { squaresImages, squaresInfo, squaresJob, removeTempDirs, tempDir, TINY_CNN, writeDataset } from '../training/dataset-fixture.ts';

// Default execArgv: under vitest (not tsx) the client adds tsx's loader itself.
const client = new ComputeClient({ timeoutMs: 20_000 });
const squares = { ...squaresInfo, numSamples: 64 };
let cnnDir: string;
let linearDir: string;

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  // A CNN trained through the trainer's own code path (in-process here; the fork is tested in test/workers).
  const { features, targets } = squaresImages(64);
  const runDir = await tempDir();
  const messages: ChildMessage[] = [];
  await runTraining(squaresJob(await writeDataset(features, targets), runDir, { epochs: 5 }), { send: (m) => messages.push(m), shouldStop: () => false });
  expect(messages[messages.length - 1]).toMatchObject({ type: 'done', status: 'completed' });
  cnnDir = path.join(runDir, 'model');

  // y = x1 + x2 + x3 exactly, to see the preprocessing applied at predict.
  const linear = buildModel({ layers: [{ type: 'dense', units: 1 }] }, { inputShape: [3], targetShape: [1], numClasses: null, task: 'regression' });
  linear.layers[0].setWeights([tf.ones([3, 1]), tf.zeros([1])]);
  linearDir = path.join(await tempDir(), 'model');
  await linear.save(fileSaveHandler(linearDir));
  linear.dispose();
});

afterAll(async () => {
  await client.close();
  await removeTempDirs();
});

describe('ComputeClient', () => {
  it('validates a spec in the child and returns the summary', async () => {
    const spec = runSpecSchema.parse({
      datasetId: '6f1c1f8e-2b7a-4d47-9d7c-3f1f0f6f8b11',
      model: { layers: TINY_CNN },
      compile: { optimizer: { type: 'adam' }, loss: 'categoricalCrossentropy', metrics: ['acc'] },
      fit: { epochs: 1 },
    });
    const summary = await client.validateRunSpec(spec, squares);
    expect(summary.totalParams).toBe(40 + 676 * 2 + 2);
    expect(summary.layers[0]).toMatchObject({ type: 'Conv2D', outputShape: [null, 26, 26, 4], params: 40, trainable: true });

    const bad = { ...spec, model: { layers: [{ type: 'conv2d' as const, filters: 2, kernelSize: 30, name: 'huge' }, ...TINY_CNN.slice(2)] } };
    const err = await rejection(client.validateRunSpec(bad, squares));
    expect(err).toMatchObject({ code: 'INVALID_MODEL', statusCode: 400, details: { layer: 0, type: 'conv2d', name: 'huge' } });
    expect(err.message).toContain('kernel 30×30 is larger than its 28×28 input');

    const mismatch = await rejection(client.validateRunSpec(spec, { ...squares, task: 'regression', numClasses: null }));
    expect(mismatch).toMatchObject({ code: 'VALIDATION_FAILED', details: { path: ['compile', 'loss'] } });
  });

  it('predicts classes with a trained CNN, from nested or flat instances', async () => {
    const { features, targets } = squaresImages(8, 99);
    const image = (i: number) => Array.from(features.subarray(i * 784, (i + 1) * 784));
    const nested = (i: number) => Array.from({ length: 28 }, (_, y) => image(i).slice(y * 28, y * 28 + 28).map((v) => [v]));
    const instances = [nested(0), nested(1), ...[2, 3, 4, 5, 6, 7].map(image)];
    const { predictions } = await client.predict({ modelDir: cnnDir, ...flattenPredictInput({ instances }, squares.inputShape), ...squares });
    expect(predictions).toHaveLength(8);
    const first = predictions[0] as { probabilities: number[]; classIndex: number; className: string };
    expect(first.probabilities).toHaveLength(2);
    expect(first.probabilities[0] + first.probabilities[1]).toBeCloseTo(1, 5);
    expect(first.className).toBe(squares.classNames[first.classIndex]);
    const correct = predictions.filter((p, i) => 'classIndex' in p && p.classIndex === targets[i]).length;
    expect(correct).toBeGreaterThanOrEqual(6);
  });

  it('applies the dataset preprocessing before predicting', async () => {
    const request = { modelDir: linearDir, inputShape: [3], task: 'regression' as const, classNames: [] };
    const scaled = await client.predict({ ...request, ...flat([[2, 4, 6]]), preprocessing: { kind: 'scale', factor: 0.5 } });
    expect(scaled.predictions).toEqual([{ value: [6] }]);
    const standardized = await client.predict({
      ...request,
      ...flat([[3, 3, 3]]),
      preprocessing: { kind: 'standardize', mean: [1, 1, 1], std: [2, 2, 2] },
    });
    expect(standardized.predictions).toEqual([{ value: [3] }]);
  });

  it('restarts the child after it dies', async () => {
    const child = (client as unknown as { child: import('node:child_process').ChildProcess }).child;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const { predictions } = await client.predict({ modelDir: linearDir, ...flat([[1, 1, 1]]), inputShape: [3], task: 'regression', classNames: [], preprocessing: { kind: 'none' } });
    expect(predictions).toEqual([{ value: [3] }]);
  });

  it('fails calls after close', async () => {
    const closing = new ComputeClient();
    await closing.close();
    expect(await rejection(closing.predict({ modelDir: linearDir, ...flat([[1, 1, 1]]), inputShape: [3], task: 'regression', classNames: [], preprocessing: { kind: 'none' } }))).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
  });
});

/** Instances of three values each, as the API hands them to the compute child. */
function flat(instances: number[][]) {
  return flattenPredictInput({ instances }, [3]);
}
