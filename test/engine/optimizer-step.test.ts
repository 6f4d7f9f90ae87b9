import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BACKEND } from '../../src/engine/engine-backend.ts';
import { FusedAdam } from '../../src/model/optimizers/fused-adam.optimizer.ts';
import { FusedMomentum } from '../../src/model/optimizers/fused-momentum.optimizer.ts';
import { OPTIMIZER_STEP_KERNEL } from '../../src/model/optimizers/optimizer-step.kernel-contract.ts';
import { expectClose, randomValues, useEngine } from './backend-parity.ts';

beforeAll(useEngine);

const SHAPES = [[3, 4], [70_000], [5]];

/** Trains three variables (one large enough to be split across threads) for `steps` steps; their values and the optimizer's saved state. */
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

describe('fused optimizer steps on the engine', () => {
  it.each([
    ['adam', () => new FusedAdam(0.01, 0.9, 0.999), () => tf.train.adam(0.01, 0.9, 0.999)],
    ['momentum', () => new FusedMomentum(0.05, 0.9, false), () => tf.train.momentum(0.05, 0.9, false)],
    ['nesterov', () => new FusedMomentum(0.05, 0.8, true), () => tf.train.momentum(0.05, 0.8, true)],
  ] as const)('%s: the values and the saved state of tfjs’s own optimizer on the cpu backend', async (name, fused, tfjs) => {
    const engine = await train(ENGINE_BACKEND, fused());
    const cpu = await train('cpu', tfjs());
    engine.values.forEach((v, i) => expectClose(v, cpu.values[i], 1e-6, `${name} variable ${i}`));
    expect(engine.state.map((s) => s.name)).toEqual(cpu.state.map((s) => s.name));
    engine.state.forEach((s, i) => expectClose(s.values, cpu.state[i].values, 1e-6, `${name} ${s.name}`));
  });

  it('takes each variable’s step in one kernel, and falls back to tfjs’s ops elsewhere', async () => {
    await tf.setBackend(ENGINE_BACKEND);
    const x = tf.variable(tf.ones([8]));
    const adam = new FusedAdam(0.01, 0.9, 0.999);
    const onEngine = await tf.profile(() => void adam.minimize(() => tf.sum(tf.square(x)) as tf.Scalar));
    expect(onEngine.kernelNames).toContain(OPTIMIZER_STEP_KERNEL);
    expect(onEngine.kernelNames).not.toContain('Sqrt');
    await tf.setBackend('cpu');
    const y = tf.variable(tf.ones([8]));
    const onCpu = await tf.profile(() => void new FusedAdam(0.01, 0.9, 0.999).minimize(() => tf.sum(tf.square(y)) as tf.Scalar));
    expect(onCpu.kernelNames).toContain('Sqrt');
    expect(onCpu.kernelNames).not.toContain(OPTIMIZER_STEP_KERNEL);
  });
});
