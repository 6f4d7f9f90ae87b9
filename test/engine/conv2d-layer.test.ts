import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BACKEND } from '../../src/engine/engine-backend.ts';
import { TrainableConv2D } from '../../src/model/trainable-conv2d.layer.ts';
import { expectAllClose, onBoth, randomValues, useEngine } from './backend-parity.ts';

beforeAll(useEngine);

interface LayerCase {
  x: [number, number, number, number];
  filters: number;
  kernelSize: number;
  strides: number;
  padding: 'valid' | 'same';
  activation: 'linear' | 'relu' | 'tanh';
  useBias: boolean;
}

const CASES: LayerCase[] = [
  { x: [3, 12, 12, 1], filters: 6, kernelSize: 5, strides: 1, padding: 'valid', activation: 'tanh', useBias: true },
  { x: [2, 9, 8, 5], filters: 7, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu', useBias: true },
  { x: [2, 9, 9, 4], filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'linear', useBias: true },
  { x: [2, 7, 7, 16], filters: 32, kernelSize: 1, strides: 2, padding: 'valid', activation: 'linear', useBias: false },
  { x: [1, 6, 7, 3], filters: 4, kernelSize: 2, strides: 1, padding: 'valid', activation: 'relu', useBias: false },
  { x: [5, 9, 13, 16], filters: 16, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu', useBias: true },
  { x: [3, 10, 10, 16], filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'linear', useBias: false },
];
const describeCase = (c: LayerCase) => `x ${c.x.join('×')}, ${c.filters} ${c.kernelSize}×${c.kernelSize} filters, strides ${c.strides}, ${c.padding}, ${c.activation}${c.useBias ? '' : ', no bias'}`;
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A built conv2d layer with the given kernel and bias values, on the current backend. */
function layerOf(c: LayerCase, kernel: Float32Array, bias: Float32Array): TrainableConv2D {
  const layer = new TrainableConv2D({ filters: c.filters, kernelSize: c.kernelSize, strides: c.strides, padding: c.padding, activation: c.activation, useBias: c.useBias });
  layer.build(c.x);
  layer.setWeights([tf.tensor4d(kernel, [c.kernelSize, c.kernelSize, c.x[3], c.filters]), ...(c.useBias ? [tf.tensor1d(bias)] : [])]);
  return layer;
}

describe('the conv2d layer on the engine (CONV2D_TRAINING_KERNEL: the native FusedConv2D with its own gradient)', () => {
  it.each(CASES.map((c, i) => [describeCase(c), c, i] as const))('matches the cpu backend forward and in every gradient, %s', async (_, c, i) => {
    const xv = randomValues(size(c.x), 10 + i).map((v) => v * 2);
    const kv = randomValues(c.kernelSize * c.kernelSize * c.x[3] * c.filters, 20 + i);
    const bv = randomValues(c.filters, 30 + i);
    const r = await onBoth(() => {
      const layer = layerOf(c, kv, bv);
      const x = tf.tensor4d(xv, c.x);
      const y = layer.apply(x) as tf.Tensor;
      // A random weighting of the output gives every output value its own gradient.
      const weights = tf.tensor(randomValues(y.size, 40 + i), y.shape);
      const loss = (input: tf.Tensor) => (layer.apply(input) as tf.Tensor).mul(weights).sum() as tf.Scalar;
      const { grads } = tf.variableGrads(() => loss(x));
      const dx = tf.grad(loss)(x);
      const out = [y, dx, ...layer.trainableWeights.map((w) => grads[w.name])];
      for (const w of layer.weights) w.dispose();
      return out;
    });
    expectAllClose(r, 1e-5, describeCase(c));
  });

  it('fuses relu into the kernel, and computes no gradient for an input that is data', async () => {
    await tf.setBackend(ENGINE_BACKEND);
    const c: LayerCase = { x: [2, 8, 8, 3], filters: 4, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu', useBias: true };
    const first = layerOf(c, randomValues(3 * 3 * 3 * 4, 1), randomValues(4, 2));
    const second = layerOf({ ...c, x: [2, 8, 8, 4] }, randomValues(3 * 3 * 4 * 4, 3), randomValues(4, 4));
    const x = tf.tensor4d(randomValues(size(c.x), 5), c.x);
    const kernelsOf = async (f: () => unknown) => (await tf.profile(() => tf.tidy(() => void f()))).kernels.map((k) => k.name);
    const oneLayer = await kernelsOf(() => tf.variableGrads(() => (first.apply(x) as tf.Tensor).sum() as tf.Scalar));
    expect(oneLayer.filter((k) => k === 'TrainyardConv2D')).toHaveLength(1);
    expect(oneLayer).not.toContain('Relu');
    expect(oneLayer).not.toContain('Add');
    expect(oneLayer).toContain('Conv2DBackpropFilter');
    expect(oneLayer).not.toContain('Conv2DBackpropInput');
    // Behind another trained layer the input's gradient is wanted, once.
    const twoLayers = await kernelsOf(() => tf.variableGrads(() => (second.apply(first.apply(x)) as tf.Tensor).sum() as tf.Scalar));
    expect(twoLayers.filter((k) => k === 'Conv2DBackpropInput')).toHaveLength(1);
    x.dispose();
    for (const w of [...first.weights, ...second.weights]) w.dispose();
  });
});
