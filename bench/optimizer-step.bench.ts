import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { ENGINE_BACKEND, registerEngineBackend } from '../src/engine/engine-backend.ts';
import { loadNativeEngine } from '../src/engine/native-engine.ts';
import { buildModel } from '../src/model/build-model.ts';
import { createOptimizer } from '../src/model/compile-model.ts';
import { ResumableAdamax } from '../src/model/optimizers/adamax.optimizer.ts';
import { CenteredRMSProp } from '../src/model/optimizers/centered-rmsprop.optimizer.ts';
import type { OptimizerSpec } from '../src/spec/compile-spec.schema.ts';
import { REFERENCE_MODEL } from './reference-cnn.ts';
import { percentile } from './latency-stats.ts';

/**
 * `npm run bench:optimizers`: the time of one optimizer step on the engine over the
 * reference CNN's trainable variables (~225k values in 8), for every optimizer and variant:
 * the class the fused one replaced (tfjs's element-wise ops) against createOptimizer's (one
 * native kernel per variable). One JSON line per optimizer (the median of alternating rounds); the machine's load beside it.
 */
const STEPS = 40;
const ROUNDS = 7;
const WARM_UP = 5;

const VARIANTS: [OptimizerSpec, () => tf.Optimizer][] = [
  [{ type: 'sgd', learningRate: 0.01 }, () => tf.train.sgd(0.01)],
  [{ type: 'momentum', learningRate: 0.01, momentum: 0.9 }, () => tf.train.momentum(0.01, 0.9)],
  [{ type: 'momentum', learningRate: 0.01, momentum: 0.9, useNesterov: true }, () => tf.train.momentum(0.01, 0.9, true)],
  [{ type: 'adam', learningRate: 0.001 }, () => tf.train.adam(0.001, 0.9, 0.999)],
  [{ type: 'rmsprop', learningRate: 0.001 }, () => new CenteredRMSProp(0.001, 0.9, 0)],
  [{ type: 'rmsprop', learningRate: 0.001, momentum: 0.9 }, () => new CenteredRMSProp(0.001, 0.9, 0.9)],
  [{ type: 'rmsprop', learningRate: 0.001, momentum: 0.9, centered: true }, () => new CenteredRMSProp(0.001, 0.9, 0.9, undefined, true)],
  [{ type: 'adagrad', learningRate: 0.01 }, () => tf.train.adagrad(0.01, 0.1)],
  [{ type: 'adadelta', learningRate: 0.001 }, () => tf.train.adadelta(0.001, 0.95)],
  [{ type: 'adamax', learningRate: 0.002, decay: 0.01 }, () => new ResumableAdamax(0.002, 0.9, 0.999, undefined, 0.01)],
];

/** Milliseconds per step of each optimizer over `gradients`, timed in alternating rounds after a warm-up that creates the slots: the median round of each. */
function msPerStep(optimizers: tf.Optimizer[], gradients: tf.NamedTensorMap): number[] {
  for (const o of optimizers) for (let i = 0; i < WARM_UP; i++) o.applyGradients(gradients);
  const rounds = optimizers.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    optimizers.forEach((o, k) => {
      const started = performance.now();
      for (let i = 0; i < STEPS; i++) o.applyGradients(gradients);
      rounds[k].push((performance.now() - started) / STEPS);
    });
  }
  for (const o of optimizers) o.dispose();
  return rounds.map((times) => percentile(times.sort((a, b) => a - b), 50)!);
}

const native = loadNativeEngine();
if (!native.ok) throw new Error(native.reason);
registerEngineBackend(native.engine);
await tf.setBackend(ENGINE_BACKEND);

const model = buildModel(REFERENCE_MODEL, { inputShape: [28, 28, 1], targetShape: [1], numClasses: 10, task: 'classification', seed: 1 });
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const gradients: tf.NamedTensorMap = Object.fromEntries(variables.map((v) => [v.name, tf.randomNormal(v.shape, 0, 1e-3)]));
const values = variables.reduce((n, v) => n + v.size, 0);
process.stdout.write(`${JSON.stringify({ variables: variables.length, values, threads: native.engine.threads(), steps: STEPS, rounds: ROUNDS })}\n`);

for (const [spec, replaced] of VARIANTS) {
  const [opsMs, fusedMs] = msPerStep([replaced(), createOptimizer(spec)], gradients);
  const [load1] = loadavg();
  const line = { optimizer: spec, opsMs: +opsMs.toFixed(3), fusedMs: +fusedMs.toFixed(3), speedup: +(opsMs / fusedMs).toFixed(1), load1: +load1.toFixed(2) };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
