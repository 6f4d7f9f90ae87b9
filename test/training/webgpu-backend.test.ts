import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BACKEND } from '../../src/engine/engine-backend.ts';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import type { ModelSpec } from '../../src/spec/layer-spec.schema.ts';
import { loadCheckpointModel, loadOptimizerState, saveCheckpoint } from '../../src/training/checkpoint.ts';
import { selectBackend } from '../../src/training/select-backend.ts';
import { randomValues, useEngine } from '../engine/backend-parity.ts';
import { useSwiftShader } from './swiftshader.ts';
import { TrainerHarness } from './trainer-harness.ts';

/**
 * The webgpu backend over SwiftShader (a CPU Vulkan driver), so it runs without a GPU. SwiftShader
 * is slow (tens of samples/s), so each model trains a few steps on 12×12 images: the reference
 * CNN's conv/pool/dense stack plus batch normalisation and a strided same-padded conv.
 */
const SPEC: ModelSpec = {
  layers: [
    { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'conv2d', filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
    { type: 'batchNormalization' },
    { type: 'flatten' },
    { type: 'dense', units: 32, activation: 'relu' },
    { type: 'dense', units: 4, activation: 'softmax' },
  ],
};
const DATASET = { inputShape: [12, 12, 1], targetShape: [1], numClasses: 4, task: 'classification' as const, loss: 'categoricalCrossentropy' as const, seed: 3 };
const COMPILE = { optimizer: { type: 'adam' as const, learningRate: 0.01 }, loss: 'categoricalCrossentropy' as const };
const BATCH = 16;
const STEPS = 3;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'trainyard-webgpu-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  useSwiftShader();
  useEngine();
  // Registers `webgpu` for every test; throws, failing the file, when no adapter is found.
  await selectBackend('webgpu');
});

function batch() {
  const xs = tf.tensor4d(randomValues(BATCH * 144, 1), [BATCH, 12, 12, 1]);
  const ys = tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 4), 'int32'), 4);
  return { xs, ys };
}

/** `steps` Adam steps on `backend`, from the seeded initial weights or from a checkpoint; the losses, and the checkpoint written after. */
async function train(backend: string, steps: number, opts: { from?: string; saveTo?: string } = {}): Promise<{ losses: number[]; leaked: number }> {
  await tf.setBackend(backend);
  const model = opts.from ? await loadCheckpointModel(opts.from) : buildModel(SPEC, DATASET);
  const optimizer = compileModel(model, COMPILE);
  if (opts.from) await loadOptimizerState(optimizer, opts.from);
  const { xs, ys } = batch();
  const losses: number[] = [];
  let before = 0;
  for (let i = 0; i < steps; i++) {
    losses.push((await model.trainOnBatch(xs, ys)) as number);
    if (i === 0) before = tf.memory().numTensors; // the optimizer's state exists after the first step
  }
  const leaked = tf.memory().numTensors - before;
  if (opts.saveTo) await saveCheckpoint(model, opts.saveTo, optimizer);
  tf.dispose([xs, ys]);
  model.dispose();
  optimizer.dispose();
  return { losses, leaked };
}

function expectSameLosses(actual: number[], expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((loss, i) => expect(Math.abs(loss - expected[i]), `step ${i}: ${loss} vs ${expected[i]}`).toBeLessThan(1e-4 * Math.max(1, expected[i])));
}

describe('the webgpu backend (over SwiftShader)', () => {
  it('is skipped by auto on a software adapter, saying why', async () => {
    const selected = await selectBackend('auto');
    expect(selected.backend).toBe('engine');
    expect(selected.fallbackReasons).toContainEqual(expect.stringMatching(/^webgpu: only a software adapter \(SwiftShader driver [\d.]+\); set TRAIN_BACKEND=webgpu/));
  });

  it('loads when asked for by name and reports the adapter it read from Dawn', async () => {
    const selected = await selectBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(selected.adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader', description: expect.stringMatching(/^SwiftShader driver/), isFallbackAdapter: true });
    expect(selected.device).toMatch(/^SwiftShader driver [\d.]+ \(WebGPU, google\/swiftshader, software\)$/);
  });

  it('trains a CNN with batch norm the way the cpu backend does, without leaking tensors', async () => {
    const webgpu = await train('webgpu', STEPS);
    const cpu = await train('cpu', STEPS);
    expectSameLosses(webgpu.losses, cpu.losses);
    expect(webgpu.losses[STEPS - 1]).toBeLessThan(webgpu.losses[0]);
    expect(webgpu.leaked).toBe(0);
  });

  it('writes checkpoints the engine resumes, and resumes the engine’s, as if never interrupted', async () => {
    const straight = await train(ENGINE_BACKEND, 3);
    const fromWebgpu = path.join(tmp, 'from-webgpu');
    const fromEngine = path.join(tmp, 'from-engine');
    const onWebgpu = await train('webgpu', 2, { saveTo: fromWebgpu });
    const resumedOnEngine = await train(ENGINE_BACKEND, 1, { from: fromWebgpu });
    await train(ENGINE_BACKEND, 2, { saveTo: fromEngine });
    const resumedOnWebgpu = await train('webgpu', 1, { from: fromEngine });
    expectSameLosses([...onWebgpu.losses, ...resumedOnEngine.losses], straight.losses);
    expectSameLosses(resumedOnWebgpu.losses, straight.losses.slice(2));
  });

  it('is reported unavailable, with the reason, when the webgpu package cannot load its binary', async () => {
    // Laid out like the package: an ES module requiring a dawn.node that is not a shared library.
    const pkg = path.join(tmp, 'broken-webgpu');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(path.join(pkg, 'dawn.node'), 'not a shared object');
    writeFileSync(path.join(pkg, 'index.mjs'), "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport const { create, globals } = require('./dawn.node');\n");
    const webgpuModule = path.join(pkg, 'index.mjs');
    await expect(selectBackend('webgpu', { webgpuModule })).rejects.toThrow(/webgpu: the webgpu package did not load: .*dawn\.node/);
    const selected = await selectBackend('auto', { webgpuModule });
    expect(selected.backend).toBe('engine');
    expect(selected.fallbackReasons).toContainEqual(expect.stringMatching(/^webgpu: the webgpu package did not load/));
  });

  it('takes the adapter WEBGPU_ADAPTER names in a trainer process, and refuses with the adapters there are when none matches', async () => {
    const named = new TrainerHarness('webgpu', { TRAINER_WEBGPU_ADAPTER: 'SwiftShader' });
    const none = new TrainerHarness('webgpu', { TRAINER_WEBGPU_ADAPTER: 'no such gpu' });
    try {
      expect(await named.waitFor('ready')).toMatchObject({ backend: 'webgpu', adapter: { architecture: 'swiftshader' } });
      const failed = await none.waitFor('failed');
      expect(failed).toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringMatching(/webgpu: no adapter matching "no such gpu": .*Available adapters: .*SwiftShader/) });
    } finally {
      await Promise.all([named.close(), none.close()]);
    }
  });
});
