import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BACKEND } from '../../src/engine/engine-backend.ts';
import { expectAllClose, onBoth, randomValues, useEngine, valuesOn } from './backend-parity.ts';

beforeAll(useEngine);

describe('engine max pooling matches the cpu backend', () => {
  const cases = [
    { x: [2, 8, 8, 3], pool: 2, strides: 2, pad: 'valid' },
    { x: [1, 7, 9, 5], pool: 3, strides: 2, pad: 'same' },
    { x: [3, 6, 5, 2], pool: 3, strides: 1, pad: 'valid' }, // overlapping windows: gradients add up
    { x: [1, 9, 9, 64], pool: [2, 3], strides: [1, 2], pad: 'same' },
    { x: [2, 5, 5, 1], pool: 1, strides: 1, pad: 'valid' },
  ] as const;
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('MaxPool and MaxPoolGrad, %s', async (_, c) => {
    const shape = [...c.x] as [number, number, number, number];
    const xv = randomValues(shape.reduce((a, b) => a * b, 1), 5);
    const r = await onBoth(() => {
      const x = tf.tensor4d(xv, shape);
      const f = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, c.pool as number, c.strides as number, c.pad);
      const y = f(x);
      const weights = tf.tensor(randomValues(y.size, 6), y.shape);
      return [y, tf.grad((a: tf.Tensor) => f(a).mul(weights).sum())(x)];
    });
    // The forward pass is exact; overlapping windows add gradients in another order than the cpu kernel does.
    expectAllClose({ engine: r.engine.slice(0, 1), cpu: r.cpu.slice(0, 1) }, 0, JSON.stringify(c));
    expectAllClose({ engine: r.engine.slice(1), cpu: r.cpu.slice(1) }, 1e-6, JSON.stringify(c));
  });

  it('routes a tied window to its first maximum, as the cpu backend does', async () => {
    const xv = new Float32Array(2 * 4 * 4 * 2).fill(1);
    const r = await onBoth(() => tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 3, 1, 'same').sum())(tf.tensor4d(xv, [2, 4, 4, 2])));
    expectAllClose(r, 0);
    expect(r.engine[0].filter((v) => v > 0).length).toBeGreaterThan(0);
  });

  it('finite differences agree with the gradient (distinct values, so no window flips)', async () => {
    const n = 2 * 6 * 6 * 3;
    const order = randomValues(n, 9);
    const xv = Float32Array.from({ length: n }, (_, i) => (order[i] + 1) * 10).map((v, i) => Math.round(v * 100) / 100 + i * 1e-4);
    await tf.setBackend(ENGINE_BACKEND);
    const weights = tf.tensor(randomValues(2 * 3 * 3 * 3, 10), [2, 3, 3, 3]);
    const loss = (x: Float32Array) => tf.tidy(() => tf.maxPool(tf.tensor4d(x, [2, 6, 6, 3]), 2, 2, 'valid').mul(weights).sum().dataSync()[0]);
    const [grad] = await valuesOn(ENGINE_BACKEND, () => tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').mul(weights).sum())(tf.tensor4d(xv, [2, 6, 6, 3])));
    for (let i = 0; i < n; i += 7) {
      const plus = Float32Array.from(xv);
      const minus = Float32Array.from(xv);
      plus[i] += 1e-3;
      minus[i] -= 1e-3;
      expect((loss(plus) - loss(minus)) / 2e-3, `dx[${i}]`).toBeCloseTo(grad[i], 2);
    }
    weights.dispose();
  });
});

describe('engine matrix products match the cpu backend', () => {
  const cases = [
    { a: [64, 1600], b: [1600, 128], ta: false, tb: false },
    { a: [64, 128], b: [1600, 128], ta: false, tb: true },
    { a: [64, 1600], b: [64, 128], ta: true, tb: false },
    { a: [7, 5], b: [3, 7], ta: true, tb: true },
    { a: [1, 13, 33], b: [3, 33, 9], ta: false, tb: false }, // batch broadcast
    { a: [2, 3, 4, 5], b: [2, 3, 5, 6], ta: false, tb: false }, // rank 4
    { a: [1, 1], b: [1, 1], ta: false, tb: false },
  ];
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('BatchMatMul and its gradients, %s', async (_, c) => {
    const av = randomValues(c.a.reduce((x, y) => x * y, 1), 1);
    const bv = randomValues(c.b.reduce((x, y) => x * y, 1), 2);
    const r = await onBoth(() => {
      const a = tf.tensor(av, c.a);
      const b = tf.tensor(bv, c.b);
      const y = tf.matMul(a, b, c.ta, c.tb);
      // tfjs's own BatchMatMul gradient cannot reduce a broadcast batch (on any backend).
      if (c.a.length > 2 && c.a[0] !== c.b[0]) return y;
      const weights = tf.tensor(randomValues(y.size, 3), y.shape);
      return [y, ...tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, c.ta, c.tb).mul(weights).sum())([a, b])];
    });
    expectAllClose(r, 1e-5, JSON.stringify(c));
  });

  it.each(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const)('_FusedMatMul with bias and %s, and its gradients', async (activation) => {
    const av = randomValues(33 * 70, 4).map((v) => v * 3);
    const bv = randomValues(70 * 19, 5);
    const biasv = randomValues(19, 6);
    const r = await onBoth(() => {
      const [a, b, bias] = [tf.tensor2d(av, [33, 70]), tf.tensor2d(bv, [70, 19]), tf.tensor1d(biasv)];
      const f = (p: tf.Tensor, q: tf.Tensor, s: tf.Tensor) => tf.fused.matMul({ a: p as tf.Tensor2D, b: q as tf.Tensor2D, bias: s, activation, leakyreluAlpha: 0.3 });
      return [f(a, b, bias), ...tf.grads((p: tf.Tensor, q: tf.Tensor, s: tf.Tensor) => f(p, q, s).square().sum())([a, b, bias])];
    });
    expectAllClose(r, 1e-5, activation);
  });

  it('leaves int32 products to the cpu kernel', async () => {
    const r = await onBoth(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6, 7, 8], [2, 2], 'int32')));
    expect(Array.from(r.engine[0])).toEqual([19, 22, 43, 50]);
  });
});
