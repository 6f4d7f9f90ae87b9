import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BACKEND, ENGINE_OWN_KERNELS, NATIVE_KERNELS } from '../../src/engine/engine-backend.ts';
import { expectAllClose, onBoth, randomValues, useEngine } from './backend-parity.ts';

beforeAll(useEngine);

describe('engine element-wise kernels match the cpu backend', () => {
  it('has every cpu kernel and its own, and lists each native one once (the others run counted as fallbacks: training-kernels.test.ts)', () => {
    const cpu = new Set(tf.getKernelsForBackend('cpu').map((k) => k.kernelName));
    const engine = new Set(tf.getKernelsForBackend(ENGINE_BACKEND).map((k) => k.kernelName));
    expect(engine).toEqual(new Set([...cpu, ...ENGINE_OWN_KERNELS]));
    expect(new Set(NATIVE_KERNELS).size).toBe(NATIVE_KERNELS.length);
    for (const name of NATIVE_KERNELS) expect(cpu.has(name), name).toBe(true);
  });

  const shapes: [number[], number[]][] = [
    [[64, 26, 26, 32], [64, 26, 26, 32]], // same shape
    [[64, 26, 26, 32], [32]], // a bias
    [[3, 5], []], // a scalar
    [[], [4, 3]], // a scalar first
    [[7, 10], [7, 1]], // per-row values (softmax's normaliser)
    [[1, 5], [6, 5]], // inner on the left
    [[6, 1, 1], [6, 4, 5]], // outer on the left
    [[2, 1, 3], [1, 4, 1]], // a broadcast left to the cpu kernel
    [[1, 1, 5], [5]],
  ];
  it.each(['add', 'sub', 'mul', 'div'] as const)('%s over every broadcast a training step uses', async (op) => {
    for (const [sa, sb] of shapes) {
      const av = randomValues(sa.reduce((x, y) => x * y, 1), 1);
      const bv = randomValues(sb.reduce((x, y) => x * y, 1), 2).map((v) => (op === 'div' ? v + Math.sign(v) * 0.5 : v));
      const r = await onBoth(() => tf[op](tf.tensor(av, sa), tf.tensor(bv, sb)));
      expectAllClose(r, 0, `${op} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`);
    }
  });

  it('relu, step (NaN stays NaN), sqrt, square and neg', async () => {
    const xv = randomValues(1000, 3);
    xv[5] = NaN;
    xv[6] = 0;
    xv[7] = -0;
    const r = await onBoth(() => {
      const x = tf.tensor1d(xv);
      return [tf.relu(x), tf.step(x, 0.25), tf.sqrt(tf.abs(x)), tf.square(x), tf.neg(x)];
    });
    expectAllClose(r, 0);
    expect(Number.isNaN(r.engine[1][5])).toBe(true);
  });

  it('sum over leading, trailing, middle and all axes, with keepDims, and non-contiguous axes', async () => {
    const xv = randomValues(4 * 5 * 6 * 7, 4);
    for (const [axis, keepDims] of [[[0, 1, 2], false], [3, false], [[1, 2], true], [null, false], [[0, 2], false], [[-1], true]] as const) {
      const r = await onBoth(() => tf.sum(tf.tensor4d(xv, [4, 5, 6, 7]), (axis ?? undefined) as number[] | undefined, keepDims));
      expectAllClose(r, 1e-6, `axis ${JSON.stringify(axis)}`);
    }
    const big = randomValues(64 * 26 * 26 * 32, 5);
    expectAllClose(await onBoth(() => tf.sum(tf.tensor4d(big, [64, 26, 26, 32]), [0, 1, 2])), 1e-6, 'bias gradient');
  });
});
