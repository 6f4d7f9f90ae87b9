import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BACKEND, NATIVE_KERNELS } from '../../src/engine/engine-backend.ts';
import { engineFallbackStats, resetEngineFallbackStats } from '../../src/engine/fallback-stats.ts';
import { BATCH_NORM_TRAINING_KERNEL, FusedBatchNormalization } from '../../src/model/batch-normalization.layer.ts';
import { seededRandom } from '../../src/training/seeded-random.ts';
import { expectAllClose, expectClose, onBoth, randomValues, useEngine, valuesOn } from './backend-parity.ts';

beforeAll(useEngine);

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const tensor = (shape: number[], seed: number) => tf.tensor(randomValues(size(shape), seed), shape);

/** Random shapes of `rank` dimensions, each 1..max, from `seed`. */
function randomShape(rank: number, max: number, seed: number): number[] {
  const rand = seededRandom(seed);
  return Array.from({ length: rank }, () => 1 + Math.floor(rand() * max));
}

/** Runs `build` on the engine; which kernels fell back while it ran. */
async function fallbacksOf(build: () => tf.Tensor | tf.Tensor[]): Promise<string[]> {
  resetEngineFallbackStats();
  await valuesOn(ENGINE_BACKEND, build);
  return engineFallbackStats().map((s) => s.kernel);
}

describe('engine kernels of a training step match the cpu backend', () => {
  it('counts every kernel it leaves to the cpu code, and none it runs natively', async () => {
    expect(await fallbacksOf(() => tf.cos(tensor([4, 5], 1)))).toEqual(['Cos']);
    expect(await fallbacksOf(() => tf.add(tensor([4, 5], 1), tensor([5], 2)))).toEqual([]);
    // A native kernel handing a case it does not take (int32) to the cpu code counts too.
    expect(await fallbacksOf(() => tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')))).toEqual(['Add']);
    for (const name of NATIVE_KERNELS) expect(tf.getKernel(name, ENGINE_BACKEND)?.kernelFunc, name).not.toBe(tf.getKernel(name, 'cpu')?.kernelFunc);
  });

  // tfjs has gradients of maximum, minimum and squaredDifference for equal shapes only.
  const broadcastGradient = new Set(['add', 'sub', 'mul', 'div']);
  it.each(['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'squaredDifference'] as const)('%s with any broadcast, forward and gradient', async (op) => {
    for (let seed = 1; seed <= 12; seed++) {
      const rank = 1 + (seed % 4);
      const out = randomShape(rank, 5, seed);
      // Each operand keeps or drops (to 1) each dimension, and may lose leading ones.
      const rand = seededRandom(seed * 7);
      const sa = out.map((d) => (rand() < 0.4 ? 1 : d)).slice(Math.floor(rand() * 2));
      const sb = out.map((d) => (rand() < 0.4 ? 1 : d));
      const bValues = randomValues(size(sb), seed + 100).map((v) => (op === 'div' ? v + Math.sign(v) * 0.5 : v));
      const f = (a: tf.Tensor, b: tf.Tensor) => tf[op](a, b);
      const r = await onBoth(() => {
        const a = tensor(sa, seed);
        const b = tf.tensor(bValues, sb);
        const same = [tensor(out, seed + 1), tensor(out, seed + 2)];
        return [f(a, b), ...(broadcastGradient.has(op) ? tf.grads(f)([a, b]) : tf.grads(f)(same))];
      });
      expectAllClose(r, 1e-5, `${op} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`);
    }
  });

  it('the activations and functions a spec offers, and their gradients, NaN kept', async () => {
    const xs = randomValues(3000, 3).map((v) => v * 8);
    xs[1] = NaN;
    xs[2] = 0;
    const positive = xs.map((v) => Math.abs(v) + 0.01);
    const fns: [string, (x: tf.Tensor) => tf.Tensor, Float32Array][] = [
      ['tanh', tf.tanh, xs],
      ['sigmoid', tf.sigmoid, xs],
      ['exp', tf.exp, xs],
      ['log', tf.log, positive],
      ['abs', tf.abs, xs],
      ['floor', tf.floor, xs],
      ['rsqrt', tf.rsqrt, positive],
      ['elu', tf.elu, xs],
      ['relu', tf.relu, xs],
      ['relu6', tf.relu6, xs],
      ['softplus', tf.softplus, xs],
    ];
    for (const [name, fn, values] of fns) {
      const r = await onBoth(() => {
        const x = tf.tensor1d(values);
        return [fn(x), tf.grad(fn)(x)];
      });
      expectAllClose(r, 2e-6, name);
    }
  });

  it('mean over contiguous axes (batch norm moments, global average pooling), with keepDims', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const shape = randomShape(4, 9, seed);
      for (const [axis, keepDims] of [[[0, 1, 2], false], [[1, 2], true], [3, false], [[0], true]] as const) {
        const r = await onBoth(() => {
          const x = tensor(shape, seed);
          return [tf.mean(x, axis as number | number[], keepDims), tf.grad((t) => tf.mean(t, axis as number | number[], keepDims))(x)];
        });
        expectAllClose(r, 1e-5, `mean ${JSON.stringify(shape)} ${JSON.stringify(axis)}`);
      }
    }
  });

  it('tile of any rank, forward, and its gradient (tfjs has one up to rank 4)', async () => {
    for (let seed = 1; seed <= 8; seed++) {
      const rank = 1 + (seed % 5);
      const shape = randomShape(rank, 4, seed);
      const reps = randomShape(rank, 3, seed + 50);
      const r = await onBoth(() => {
        const x = tensor(shape, seed);
        const loss = (t: tf.Tensor) => tf.sum(tf.mul(tf.tile(t, reps), tf.range(0, size(shape) * size(reps)).reshape(shape.map((d, i) => d * reps[i]))));
        return [tf.tile(x, reps), ...(rank <= 4 ? [tf.grad(loss)(x)] : [])];
      });
      expectAllClose(r, 1e-5, `tile ${JSON.stringify(shape)} ${JSON.stringify(reps)}`);
    }
  });

  it('batch normalization, inference and training form, forward and every gradient', async () => {
    for (let seed = 1; seed <= 4; seed++) {
      const shape = [...randomShape(3, 6, seed), 3 + seed];
      const c = shape[3];
      const r = await onBoth(() => {
        const x = tensor(shape, seed);
        const [gamma, beta] = [tensor([c], seed + 1), tensor([c], seed + 2)];
        const train = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const { mean, variance } = tf.moments(t, [0, 1, 2]);
          return tf.batchNorm(t, mean, variance, b, g, 1e-3);
        };
        const inference = tf.batchNorm(x, tf.fill([c], 0.2), tf.fill([c], 1.5), beta, gamma, 1e-3);
        const loss = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(train(t, g, b), tf.range(0, size(shape)).reshape(shape).div(size(shape))));
        return [inference, train(x, gamma, beta), ...tf.grads(loss)([x, gamma, beta])];
      });
      expectAllClose(r, 2e-5, `batch norm ${JSON.stringify(shape)}`);
    }
  });

  it('the BatchNormalization layer in training mode: one native kernel on the engine, the same output, gradients and moving averages as tfjs', async () => {
    for (let seed = 1; seed <= 4; seed++) {
      const shape = seed === 4 ? [7, 5 + seed] : [...randomShape(3, 6, seed), 3 + seed];
      const c = shape[shape.length - 1];
      const r = await onBoth(() => {
        const layer = new FusedBatchNormalization({ momentum: 0.9, epsilon: 1e-3 });
        layer.build(shape);
        layer.setWeights([tensor([c], seed + 1), tensor([c], seed + 2), tensor([c], seed + 3), tf.abs(tensor([c], seed + 4))]);
        const x = tf.variable(tensor(shape, seed).mul(3).add(0.5));
        const [gammaVar, betaVar] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const weights = tf.range(0, size(shape)).reshape(shape).div(size(shape));
        let y: tf.Tensor | null = null;
        const loss = () => tf.sum(tf.mul((y = tf.keep(layer.apply(x, { training: true }) as tf.Tensor)), weights)) as tf.Scalar;
        const { grads } = tf.variableGrads(loss, [x, gammaVar, betaVar]);
        // The moving averages after one step, then the output and the gradients of x, gamma and beta.
        return [...layer.getWeights().slice(2), y!, ...[x, gammaVar, betaVar].map((v) => grads[v.name])];
      });
      expectAllClose(r, 2e-5, `batch norm layer ${JSON.stringify(shape)}`);
    }
    await tf.setBackend(ENGINE_BACKEND);
    const layer = new FusedBatchNormalization({});
    layer.build([8, 4, 4, 3]);
    const { kernelNames } = await tf.profile(() => layer.apply(tf.ones([8, 4, 4, 3]), { training: true }) as tf.Tensor);
    expect(kernelNames).toContain(BATCH_NORM_TRAINING_KERNEL);
    expect(kernelNames).not.toContain('Mean');
  });

  it('average pooling: valid padding as the cpu backend, forward and gradient, any window and stride', async () => {
    for (let seed = 1; seed <= 8; seed++) {
      const [n, h, w, c] = [1 + (seed % 3), 5 + (seed % 6), 4 + ((seed * 3) % 7), 1 + (seed % 4)];
      const pool = (1 + (seed % 3)) as number;
      const stride = (1 + ((seed + 1) % 3)) as number;
      const f = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, pool, stride, 'valid');
      const r = await onBoth(() => {
        const x = tensor([n, h, w, c], seed);
        return [f(x), tf.grad((t) => tf.sum(tf.mul(f(t), tf.onesLike(f(t)).mul(tf.range(0, size(f(t).shape)).reshape(f(t).shape)))))(x)];
      });
      expectAllClose(r, 1e-5, `avgPool ${pool}/${stride}`);
    }
  });

  it("average pooling with same padding: the forward pass as the cpu backend's, the gradient its true one (checked by finite differences)", async () => {
    const shape = [2, 5, 6, 3];
    const f = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, 3, 2, 'same');
    const xs = randomValues(size(shape), 9);
    expectAllClose(await onBoth(() => f(tf.tensor(xs, shape))), 1e-6, 'forward');
    const weights = tf.tidy(() => tf.range(1, 1 + size(f(tf.zeros(shape)).shape)).reshape(f(tf.zeros(shape)).shape));
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(f(x), weights));
    const [grad] = await valuesOn(ENGINE_BACKEND, () => tf.grad(loss)(tf.tensor(xs, shape)));
    const numeric = new Float32Array(xs.length);
    await tf.setBackend('cpu');
    const lossAt = (values: Float32Array) => tf.tidy(() => loss(tf.tensor(values, shape)).dataSync()[0]);
    for (let i = 0; i < xs.length; i++) {
      // The loss is linear in x, so a central difference is exact up to rounding.
      const up = Float32Array.from(xs);
      const down = Float32Array.from(xs);
      up[i] += 0.5;
      down[i] -= 0.5;
      numeric[i] = lossAt(up) - lossAt(down);
    }
    expectClose(grad, numeric, 1e-4, 'gradient');
    weights.dispose();
  });

  it("a classifier's output and loss: softmax, argmax, clipping, comparisons, select, casts and fills", async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const shape = randomShape(2 + (seed % 2), 7, seed);
      const values = randomValues(size(shape), seed).map((v, i) => (i % 9 === 0 ? 0.25 : v * 4));
      const r = await onBoth(() => {
        const x = tf.tensor(values, shape);
        const y = tensor(shape.slice(-1), seed + 10);
        const clip = (t: tf.Tensor) => tf.clipByValue(t, -0.5, 0.75);
        return [
          tf.softmax(x),
          tf.grad((t) => tf.sum(tf.mul(tf.softmax(t), tf.range(0, size(shape)).reshape(shape))))(x),
          tf.argMax(x, -1).toFloat(),
          tf.equal(tf.argMax(x, -1), tf.argMax(tf.square(x), -1)).toFloat(),
          clip(x),
          tf.grad((t) => tf.sum(clip(t)))(x),
          ...[tf.equal, tf.greater, tf.greaterEqual, tf.less, tf.lessEqual, tf.notEqual].map((f) => f(x, y).toFloat()),
          tf.where(tf.greater(x, 0), x, tf.neg(x)),
          tf.logicalAnd(tf.greater(x, -1), tf.less(x, 1)).toFloat(),
          x.toInt().toFloat(),
          tf.zerosLike(x),
          tf.onesLike(x.toInt()).toFloat(),
        ];
      });
      expectAllClose(r, 2e-5, `${JSON.stringify(shape)}`);
    }
    // The first of equal maxima wins; NaN is never greater (so a leading NaN keeps index 0), as on cpu.
    const rows = () => tf.argMax(tf.tensor2d([[1, 3, 3, 2], [NaN, 1, 3, 3], [2, NaN, 1, 2]]), -1).toFloat();
    const argmax = await onBoth(rows);
    expect(Array.from(argmax.engine[0])).toEqual([1, 0, 0]);
    expectAllClose(argmax, 0);
  });

  it('data movement: concat, stack, slice, split and pad of float32 and int32, any axis, and max over axes', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const shape = randomShape(1 + (seed % 4), 5, seed);
      const axis = seed % shape.length;
      const r = await onBoth(() => {
        const a = tensor(shape, seed);
        const b = tensor(shape, seed + 1);
        const ints = a.mul(10).toInt();
        const begin = shape.map((d) => Math.floor(d / 3));
        const size = shape.map((d, i) => d - begin[i] - (i % 2));
        const parts = tf.split(tf.concat([a, b], axis), [shape[axis], shape[axis]], axis);
        return [
          tf.concat([a, b, a], axis),
          tf.concat([ints, ints], axis).toFloat(),
          tf.stack([a, b], axis),
          tf.slice(a, begin, size.map((s) => Math.max(s, 1))),
          ...parts,
          tf.pad(a, shape.map((_, i) => [i % 2, (i + 1) % 3] as [number, number]), 0.5),
          tf.max(a, axis, seed % 2 === 0),
          tf.grad((t) => tf.sum(tf.mul(tf.concat([t, t], axis), tf.range(0, 2 * size_(shape)).reshape(shape.map((d, i) => (i === axis ? 2 * d : d))))))(a),
        ];
      });
      expectAllClose(r, 1e-6, `${JSON.stringify(shape)} axis ${axis}`);
    }
  });
});

function size_(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
