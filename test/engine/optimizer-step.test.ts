import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BACKEND } from '../../src/engine/engine-backend.ts';
import { ResumableAdamax } from '../../src/model/optimizers/adamax.optimizer.ts';
import { CenteredRMSProp } from '../../src/model/optimizers/centered-rmsprop.optimizer.ts';
import { FusedAdadelta } from '../../src/model/optimizers/fused-adadelta.optimizer.ts';
import { FusedAdagrad } from '../../src/model/optimizers/fused-adagrad.optimizer.ts';
import { FusedAdam } from '../../src/model/optimizers/fused-adam.optimizer.ts';
import { FusedAdamax } from '../../src/model/optimizers/fused-adamax.optimizer.ts';
import { FusedMomentum } from '../../src/model/optimizers/fused-momentum.optimizer.ts';
import { FusedRMSProp } from '../../src/model/optimizers/fused-rmsprop.optimizer.ts';
import { FusedSGD } from '../../src/model/optimizers/fused-sgd.optimizer.ts';
import { OPTIMIZER_STEP_KERNEL } from '../../src/model/optimizers/optimizer-step.kernel-contract.ts';
import { loadOptimizerState, saveOptimizerState } from '../../src/training/checkpoint.ts';
import { removeTempDirs, tempDir } from '../training/dataset-fixture.ts';
import { expectClose, randomValues, useEngine } from './backend-parity.ts';

beforeAll(useEngine);
afterAll(removeTempDirs);

// The 70 000-value variable is split across the engine's threads (its chunks are 32 768).
const SHAPES = [[3, 4], [70_000], [5]];

/** Every optimizer and variant the spec accepts: the fused class and the class it replaces (tfjs's, or ours where tfjs's is broken). */
const OPTIMIZERS: [string, () => tf.Optimizer, () => tf.Optimizer][] = [
  ['sgd', () => new FusedSGD(0.05), () => tf.train.sgd(0.05)],
  ['momentum', () => new FusedMomentum(0.05, 0.9, false), () => tf.train.momentum(0.05, 0.9, false)],
  ['nesterov', () => new FusedMomentum(0.05, 0.8, true), () => tf.train.momentum(0.05, 0.8, true)],
  ['adam', () => new FusedAdam(0.01, 0.9, 0.999), () => tf.train.adam(0.01, 0.9, 0.999)],
  ['rmsprop', () => new FusedRMSProp(0.01, 0.9), () => new CenteredRMSProp(0.01, 0.9)],
  ['rmsprop with momentum', () => new FusedRMSProp(0.01, 0.85, 0.7), () => new CenteredRMSProp(0.01, 0.85, 0.7)],
  ['rmsprop centered', () => new FusedRMSProp(0.01, 0.9, 0, undefined, true), () => new CenteredRMSProp(0.01, 0.9, 0, undefined, true)],
  ['rmsprop centered with momentum', () => new FusedRMSProp(0.01, 0.8, 0.6, 1e-6, true), () => new CenteredRMSProp(0.01, 0.8, 0.6, 1e-6, true)],
  ['adagrad', () => new FusedAdagrad(0.1, 0.2), () => tf.train.adagrad(0.1, 0.2)],
  ['adadelta', () => new FusedAdadelta(0.5, 0.95), () => tf.train.adadelta(0.5, 0.95)],
  ['adamax', () => new FusedAdamax(0.02, 0.9, 0.999), () => new ResumableAdamax(0.02, 0.9, 0.999)],
  ['adamax with decay', () => new FusedAdamax(0.02, 0.85, 0.99, 1e-6, 0.1), () => new ResumableAdamax(0.02, 0.85, 0.99, 1e-6, 0.1)],
];

/** Trains three variables for `steps` steps; their values and the optimizer's saved state. */
async function train(backend: string, optimizer: tf.Optimizer, steps = 4) {
  await tf.setBackend(backend);
  const vars = SHAPES.map((shape, i) => tf.variable(tf.tensor(randomValues(shape.reduce((a, b) => a * b), i + 1), shape)));
  for (let step = 0; step < steps; step++) {
    // A loss whose gradients change with the values, so later steps depend on earlier ones.
    optimizer.minimize(() => tf.addN(vars.map((v, i) => tf.sum(tf.mul(tf.square(tf.sub(v, 0.3 * i)), 1 + step)))) as tf.Scalar);
  }
  const values = vars.map((v) => Float32Array.from(v.dataSync()));
  const state = await Promise.all((await optimizer.getWeights()).map(async (w) => ({ name: w.name.replace(/\d+/g, '#'), values: Float32Array.from(await w.tensor.data()) })));
  tf.dispose(vars);
  optimizer.dispose();
  return { values, state };
}

/** One step of `optimizer` on `x` per seed, each from a gradient of those seeded values (no backend arithmetic before the step). */
function stepWithGradients(optimizer: tf.Optimizer, x: tf.Variable, seeds: number[]): void {
  for (const seed of seeds) {
    const gradient = tf.tensor(randomValues(x.size, seed));
    optimizer.applyGradients({ [x.name]: gradient });
    gradient.dispose();
  }
}

/** The variable's values and the optimizer's slots (the iteration count aside), copied. */
async function valuesAndSlots(optimizer: tf.Optimizer, x: tf.Variable): Promise<Float32Array[]> {
  const weights = await optimizer.getWeights();
  return [Float32Array.from(x.dataSync()), ...weights.slice(1).map((w) => Float32Array.from(w.tensor.dataSync()))];
}

/** Three steps of `optimizer` on `backend` from the same values and gradients; the values and state. */
async function stepsFromGivenGradients(backend: string, optimizer: tf.Optimizer): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const x = tf.variable(tf.tensor(randomValues(70_000, 7)));
  stepWithGradients(optimizer, x, [10, 11, 12]);
  const result = await valuesAndSlots(optimizer, x);
  x.dispose();
  optimizer.dispose();
  return result;
}

/**
 * Two steps of the replaced optimizer on cpu, checkpointed, then two more: the values and
 * state of those, and of the fused optimizer on the engine resuming from the checkpoint.
 */
async function resumedFromReplacedCheckpoint(fused: tf.Optimizer, reference: tf.Optimizer) {
  await tf.setBackend('cpu');
  const dir = await tempDir('trainyard-optimizer-');
  const x = tf.variable(tf.tensor(randomValues(70_000, 7)));
  stepWithGradients(reference, x, [10, 11]);
  await saveOptimizerState(reference, dir);
  const checkpointed = Float32Array.from(x.dataSync());
  stepWithGradients(reference, x, [12, 13]);
  const uninterrupted = await valuesAndSlots(reference, x);
  x.dispose();
  reference.dispose();

  await tf.setBackend(ENGINE_BACKEND);
  const y = tf.variable(tf.tensor(checkpointed));
  await loadOptimizerState(fused, dir);
  stepWithGradients(fused, y, [12, 13]);
  const resumed = await valuesAndSlots(fused, y);
  y.dispose();
  fused.dispose();
  return { uninterrupted, resumed };
}

/** The kernels two steps of `optimizer` run on `backend` (the first creates its slots). */
async function kernelsOfTwoSteps(backend: string, optimizer: tf.Optimizer): Promise<string[]> {
  await tf.setBackend(backend);
  const x = tf.variable(tf.ones([8]));
  const gradient = tf.fill([8], 0.5);
  const { kernelNames } = await tf.profile(() => {
    optimizer.applyGradients({ [x.name]: gradient });
    optimizer.applyGradients({ [x.name]: gradient });
  });
  tf.dispose([x, gradient]);
  optimizer.dispose();
  return kernelNames;
}

describe('fused optimizer steps on the engine', () => {
  it.each(OPTIMIZERS)('%s: the values and the saved state of the optimizer it replaces, on the cpu backend', async (name, fused, reference) => {
    const engine = await train(ENGINE_BACKEND, fused());
    const cpu = await train('cpu', reference());
    engine.values.forEach((v, i) => expectClose(v, cpu.values[i], 1e-6, `${name} variable ${i}`));
    expect(engine.state.map((s) => s.name)).toEqual(cpu.state.map((s) => s.name));
    engine.state.forEach((s, i) => expectClose(s.values, cpu.state[i].values, 1e-6, `${name} ${s.name}`));
  });

  it.each(OPTIMIZERS)('%s: from the same values and gradients, tfjs’s float32 arithmetic to the bit', async (_name, fused, reference) => {
    const engine = await stepsFromGivenGradients(ENGINE_BACKEND, fused());
    const cpu = await stepsFromGivenGradients('cpu', reference());
    expect(engine.length).toBe(cpu.length);
    engine.forEach((values, i) => expect(values).toEqual(cpu[i]));
  });

  it.each(OPTIMIZERS)('%s: resumes from a checkpoint the optimizer it replaces saved, continuing as that one does', async (_name, fused, reference) => {
    const { uninterrupted, resumed } = await resumedFromReplacedCheckpoint(fused(), reference());
    expect(resumed.length).toBe(uninterrupted.length);
    resumed.forEach((values, i) => expect(values).toEqual(uninterrupted[i]));
  });

  it.each(OPTIMIZERS)('%s: each variable’s step is one kernel on the engine, tfjs’s element-wise ops elsewhere', async (_name, fused) => {
    const onEngine = await kernelsOfTwoSteps(ENGINE_BACKEND, fused());
    expect(onEngine).toContain(OPTIMIZER_STEP_KERNEL);
    // Only the fused step, besides the fills that create the slots on the first step.
    expect(onEngine.filter((k) => k !== OPTIMIZER_STEP_KERNEL && k !== 'ZerosLike' && k !== 'Fill')).toEqual([]);
    const onCpu = await kernelsOfTwoSteps('cpu', fused());
    expect(onCpu).toContain('Multiply');
    expect(onCpu).not.toContain(OPTIMIZER_STEP_KERNEL);
  });
});
