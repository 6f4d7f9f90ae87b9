import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BACKEND } from '../../src/engine/engine-backend.ts';
import { seededRandom } from '../../src/training/seeded-random.ts';
import { expectAllClose, onBoth, randomValues, useEngine, valuesOn } from './backend-parity.ts';

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same';
  dilations?: number;
}

// Hand-picked edge cases (batch 1, odd sizes, 1×1 paths, many channels, uneven strides),
// then seeded random shapes.
const CASES: ConvCase[] = [
  { x: [1, 7, 9, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'valid' },
  { x: [2, 8, 7, 4], filter: [3, 2, 4, 6], strides: 2, pad: 'same' },
  { x: [3, 9, 9, 1], filter: [5, 5, 1, 2], strides: 2, pad: 'valid' },
  { x: [1, 6, 6, 64], filter: [3, 3, 64, 70], strides: 1, pad: 'same' },
  { x: [2, 5, 5, 17], filter: [1, 1, 17, 9], strides: 1, pad: 'valid' },
  { x: [2, 7, 7, 3], filter: [1, 1, 3, 4], strides: 2, pad: 'same' },
  { x: [1, 11, 10, 2], filter: [3, 3, 2, 3], strides: [2, 1], pad: 'same' },
  { x: [4, 13, 13, 32], filter: [3, 3, 32, 64], strides: 1, pad: 'valid' },
];
// Shapes the direct (no column matrix) path takes: 16·k output channels up to 64, few input
// channels; lines wider than one register block (12 pixels at 16 channels) with edges on both
// sides, TF's asymmetric same padding (even sizes at stride 2, even filters), 1×1 stride 2,
// non-square filters and strides, and batches larger than the thread count.
const DIRECT_CASES: ConvCase[] = [
  { x: [3, 9, 11, 1], filter: [3, 3, 1, 16], strides: 1, pad: 'same' },
  { x: [5, 7, 9, 3], filter: [3, 3, 3, 32], strides: 1, pad: 'valid' },
  { x: [6, 10, 29, 16], filter: [3, 3, 16, 16], strides: 1, pad: 'same' },
  { x: [3, 8, 8, 16], filter: [3, 3, 16, 32], strides: 2, pad: 'same' },
  { x: [3, 9, 7, 32], filter: [3, 3, 32, 48], strides: 2, pad: 'valid' },
  { x: [2, 7, 7, 32], filter: [3, 3, 32, 64], strides: 1, pad: 'same' },
  { x: [3, 6, 19, 64], filter: [3, 3, 64, 64], strides: 1, pad: 'same' },
  { x: [5, 9, 9, 16], filter: [1, 1, 16, 32], strides: 2, pad: 'same' },
  { x: [2, 10, 9, 16], filter: [4, 2, 16, 16], strides: 1, pad: 'same' },
  { x: [2, 11, 13, 48], filter: [2, 5, 48, 16], strides: 1, pad: 'valid' },
  { x: [3, 11, 10, 3], filter: [3, 3, 3, 16], strides: [2, 1], pad: 'same' },
  { x: [4, 6, 27, 32], filter: [3, 3, 32, 32], strides: 1, pad: 'same' },
  // The input gradient at stride > 1: input pixels of each phase of the stride, wide enough for whole register blocks.
  { x: [2, 5, 53, 16], filter: [3, 3, 16, 16], strides: 2, pad: 'same' },
  { x: [2, 9, 40, 32], filter: [2, 4, 32, 16], strides: [3, 2], pad: 'valid' },
  { x: [2, 8, 16, 64], filter: [3, 3, 64, 32], strides: 2, pad: 'same' },
  { x: [3, 10, 31, 48], filter: [2, 2, 48, 16], strides: 3, pad: 'same' },
];
CASES.push(...DIRECT_CASES);
const rand = seededRandom(7);
const pick = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
for (let i = 0; i < 6; i++) {
  const k = pick(1, 4);
  CASES.push({ x: [pick(1, 3), pick(k, 12), pick(k, 12), pick(1, 20)], filter: [k, pick(1, 4), 0, pick(1, 24)], strides: pick(1, 2), pad: rand() < 0.5 ? 'valid' : 'same' });
  const c = CASES[CASES.length - 1];
  c.filter[2] = c.x[3];
  c.filter[1] = Math.min(c.filter[1], c.x[2]);
}
const describeCase = (c: ConvCase) => `x ${c.x.join('×')}, filter ${c.filter.join('×')}, strides ${c.strides}, ${c.pad}`;
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

beforeAll(useEngine);

describe('engine conv2d kernels match the cpu backend', () => {
  it.each(CASES.map((c, i) => [describeCase(c), c, i] as const))('Conv2D and both gradients, %s', async (_, c, i) => {
    const xv = randomValues(size(c.x), 100 + i);
    const wv = randomValues(size(c.filter), 200 + i);
    const r = await onBoth(() => {
      const x = tf.tensor4d(xv, c.x);
      const w = tf.tensor4d(wv, c.filter);
      const y = tf.conv2d(x, w, c.strides, c.pad);
      // A random weighting of the output makes every output pixel's gradient different.
      const weights = tf.tensor(randomValues(y.size, 300 + i), y.shape);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad).mul(weights).sum())([x, w]);
      return [y, dx, dw];
    });
    expectAllClose(r, 1e-5, describeCase(c));
  });

  it.each([4, 16])('dilated Conv2D with %i output channels (forward only: tfjs has no dilated gradient)', async (channels) => {
    const xv = randomValues(2 * 12 * 11 * 3, 1);
    const wv = randomValues(3 * 3 * 3 * channels, 2);
    for (const pad of ['valid', 'same'] as const) {
      const r = await onBoth(() => tf.conv2d(tf.tensor4d(xv, [2, 12, 11, 3]), tf.tensor4d(wv, [3, 3, 3, channels]), 1, pad, 'NHWC', 2));
      expectAllClose(r, 1e-5, `dilated ${pad}`);
    }
  });

  // 7 output channels take im2col + GEMM, 32 the direct path.
  it.each(
    (['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const).flatMap((activation) => [
      [activation, 7],
      [activation, 32],
    ]),
  )('FusedConv2D with bias and %s, %i output channels, and its gradients', async (activation, channels) => {
    const xv = randomValues(2 * 9 * 8 * 5, 11).map((v) => v * 4);
    const wv = randomValues(3 * 3 * 5 * channels, 12);
    const bv = randomValues(channels, 13);
    const r = await onBoth(() => {
      const x = tf.tensor4d(xv, [2, 9, 8, 5]);
      const w = tf.tensor4d(wv, [3, 3, 5, channels]);
      const b = tf.tensor1d(bv);
      const f = (a: tf.Tensor, k: tf.Tensor, bias: tf.Tensor) =>
        tf.fused.conv2d({ x: a as tf.Tensor4D, filter: k as tf.Tensor4D, strides: 2, pad: 'same', bias, activation, leakyreluAlpha: 0.3 });
      const y = f(x, w, b);
      const grads = tf.grads((a: tf.Tensor, k: tf.Tensor, bias: tf.Tensor) => f(a, k, bias).square().sum())([x, w, b]);
      return [y, ...grads];
    });
    expectAllClose(r, 1e-5, activation);
  });

  it('FusedConv2D with a scalar bias, and prelu (left to the cpu kernel)', async () => {
    const xv = randomValues(1 * 6 * 6 * 2, 21);
    const wv = randomValues(3 * 3 * 2 * 3, 22);
    const r = await onBoth(() => {
      const x = tf.tensor4d(xv, [1, 6, 6, 2]);
      const w = tf.tensor4d(wv, [3, 3, 2, 3]);
      return [
        tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias: tf.scalar(0.25), activation: 'relu' }),
        tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias: tf.tensor1d([0.1, -0.2, 0.3]), activation: 'prelu', preluActivationWeights: tf.scalar(0.1) }),
      ];
    });
    expectAllClose(r, 1e-5);
  });
});

describe('engine conv2d gradients match finite differences', () => {
  it('filter and input gradients of sum(conv2d(x, w) · r)', async () => {
    const xShape: [number, number, number, number] = [2, 7, 6, 3];
    const wShape: [number, number, number, number] = [3, 3, 3, 4];
    const xv = randomValues(size(xShape), 31);
    const wv = randomValues(size(wShape), 32);
    await tf.setBackend(ENGINE_BACKEND);
    const weights = tf.tensor(randomValues(2 * 4 * 3 * 4, 33), [2, 4, 3, 4]);
    const loss = (x: Float32Array, w: Float32Array) =>
      tf.tidy(() => tf.conv2d(tf.tensor4d(x, xShape), tf.tensor4d(w, wShape), 2, 'same').mul(weights).sum().dataSync()[0]);
    const [dx, dw] = await valuesOn(ENGINE_BACKEND, () =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same').mul(weights).sum())([tf.tensor4d(xv, xShape), tf.tensor4d(wv, wShape)]),
    );
    // The loss is linear in each argument, so a central difference is exact up to rounding.
    const eps = 0.05;
    for (const [values, grad, which] of [[xv, dx, 'x'], [wv, dw, 'w']] as const) {
      for (let k = 0; k < 12; k++) {
        const i = Math.floor(seededRandom(40 + k)() * values.length);
        const plus = Float32Array.from(values);
        const minus = Float32Array.from(values);
        plus[i] += eps;
        minus[i] -= eps;
        const numeric = which === 'x' ? (loss(plus, wv) - loss(minus, wv)) / (2 * eps) : (loss(xv, plus) - loss(xv, minus)) / (2 * eps);
        expect(Math.abs(numeric - grad[i]), `d${which}[${i}]`).toBeLessThan(2e-3 * Math.max(1, Math.abs(grad[i])));
      }
    }
    weights.dispose();
  });
});
