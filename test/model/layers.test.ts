import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import type { DatasetShape } from '../../src/model/dataset-shape.ts';
import { ACTIVATIONS, layersModelSpecSchema, type LayerSpec } from '../../src/spec/layer-spec.schema.ts';
import { TrainableConv2D } from '../../src/model/trainable-conv2d.layer.ts';

const images: DatasetShape = { inputShape: [8, 8, 1], targetShape: [1], numClasses: 3, task: 'classification' };
const tabular: DatasetShape = { inputShape: [4], targetShape: [1], numClasses: null, task: 'regression' };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Trains `layers` for two steps on random data; returns the losses and whether every trainable weight moved. */
async function trainTwice(layers: LayerSpec[], dataset: DatasetShape, loss: 'categoricalCrossentropy' | 'meanSquaredError') {
  const spec = layersModelSpecSchema.parse({ layers });
  const model = buildModel(spec, { ...dataset, loss, seed: 3 });
  compileModel(model, { optimizer: { type: 'sgd', learningRate: 0.05 }, loss });
  const n = 6;
  const x = tf.randomUniform([n, ...dataset.inputShape], 0, 1, 'float32', 1);
  const y = dataset.task === 'classification' ? tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3) : tf.randomNormal([n, 1], 0, 1, 'float32', 2);
  const before = model.trainableWeights.map((w) => w.read().dataSync().slice());
  const losses = [(await model.trainOnBatch(x, y)) as number, (await model.trainOnBatch(x, y)) as number];
  const moved = model.trainableWeights.map((w, i) => w.read().dataSync().some((v, j) => v !== before[i][j]));
  const summary = model.layers.map((l) => l.getClassName());
  tf.dispose([x, y]);
  model.dispose();
  return { losses, moved, summary };
}

describe('every layer trains', () => {
  it('conv2d (strides, same/valid), pooling, batch norm, dropout, zero padding, activation, flatten, reshape, dense', async () => {
    const { losses, moved, summary } = await trainTwice(
      [
        { type: 'zeroPadding2d', padding: 1 },
        { type: 'conv2d', filters: 3, kernelSize: 5, strides: 1, padding: 'valid', dilationRate: 1, activation: 'relu' },
        { type: 'conv2d', filters: 4, kernelSize: [3, 2], strides: [1, 2], padding: 'same' },
        { type: 'batchNormalization', momentum: 0.9 },
        { type: 'activation', activation: 'elu' },
        { type: 'maxPooling2d', poolSize: 2, padding: 'same' },
        { type: 'averagePooling2d', poolSize: [1, 1] },
        { type: 'dropout', rate: 0.1 },
        { type: 'flatten' },
        { type: 'reshape', targetShape: [2, 3, 4] },
        { type: 'globalMaxPooling2d' },
        { type: 'dense', units: 3, activation: 'softmax' },
      ],
      images,
      'categoricalCrossentropy',
    );
    expect(summary).toEqual([
      'ZeroPadding2D', 'Conv2D', 'Conv2D', 'BatchNormalization', 'Activation', 'MaxPooling2D', 'AveragePooling2D',
      'Dropout', 'Flatten', 'Reshape', 'GlobalMaxPooling2D', 'Dense',
    ]);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(moved.every(Boolean)).toBe(true);
  });

  it('global average pooling after conv', async () => {
    const { moved } = await trainTwice(
      [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'globalAveragePooling2d' }, { type: 'dense', units: 3, activation: 'softmax' }],
      images,
      'categoricalCrossentropy',
    );
    expect(moved.every(Boolean)).toBe(true);
  });

  it.each(ACTIVATIONS.filter((a) => a !== 'softmax'))('activation %s trains a dense layer', async (activation) => {
    const { losses, moved } = await trainTwice([{ type: 'dense', units: 3, activation }, { type: 'dense', units: 1 }], tabular, 'meanSquaredError');
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(moved[moved.length - 1]).toBe(true);
  });
});

it('drops different units at each training step, also in a seeded run', () => {
  const spec = layersModelSpecSchema.parse({ layers: [{ type: 'dropout', rate: 0.5 }] });
  const model = buildModel(spec, { inputShape: [64], targetShape: [64], numClasses: null, task: 'regression', seed: 7 });
  const x = tf.ones([1, 64]);
  const [first, second] = [0, 1].map(() => tf.tidy(() => Array.from((model.layers[0].apply(x, { training: true }) as tf.Tensor).dataSync())));
  expect(first).not.toEqual(second);
  x.dispose();
  model.dispose();
});

describe('dilated conv2d', () => {
  it('trains, with and without a fused activation, and with padding "same"', async () => {
    for (const activation of ['relu', 'linear'] as const) {
      const { losses, moved } = await trainTwice(
        [
          { type: 'conv2d', filters: 2, kernelSize: 3, dilationRate: 2, activation, name: 'atrous' },
          { type: 'conv2d', filters: 2, kernelSize: [2, 3], dilationRate: [2, 1], padding: 'same' },
          { type: 'flatten' },
          { type: 'dense', units: 3, activation: 'softmax' },
        ],
        images,
        'categoricalCrossentropy',
      );
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(moved.every(Boolean)).toBe(true);
    }
  });

  it('computes what tfjs computes forward, and gradients that match finite differences', () => {
    const model = tf.sequential({ layers: [new TrainableConv2D({ filters: 2, kernelSize: 3, dilationRate: 2, useBias: false, inputShape: [7, 6, 2] })] });
    const [kernel] = model.getWeights() as [tf.Tensor4D];
    const x = tf.randomNormal([1, 7, 6, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
    const ours = model.predict(x) as tf.Tensor;
    const reference = tf.conv2d(x, kernel, 1, 'valid', 'NHWC', 2);
    expect(ours.shape).toEqual([1, 3, 2, 2]);
    expect(Math.max(...tf.sub(ours, reference).abs().dataSync())).toBeLessThan(1e-5);

    // d(sum of outputs)/d(kernel) by the layer's own gradient, against central differences.
    const variable = model.layers[0].trainableWeights[0];
    const { grads } = tf.variableGrads(() => (model.apply(x) as tf.Tensor).sum() as tf.Scalar, [variable.read() as tf.Variable]);
    const grad = Object.values(grads)[0].dataSync();
    const flat = Float32Array.from(kernel.dataSync());
    const loss = (values: Float32Array) => tf.tidy(() => tf.conv2d(x, tf.tensor4d(values, kernel.shape), 1, 'valid', 'NHWC', 2).sum().dataSync()[0]);
    for (const i of [0, 7, 13, flat.length - 1]) {
      const h = 1e-2;
      const up = flat.slice();
      const down = flat.slice();
      up[i] += h;
      down[i] -= h;
      expect(grad[i]).toBeCloseTo((loss(up) - loss(down)) / (2 * h), 2);
    }
    tf.dispose([x, ours, reference]);
    model.dispose();
  });

  it('saves as a standard Keras Conv2D with its dilation, and loads back into the class that trains it', async () => {
    const spec = layersModelSpecSchema.parse({ layers: [{ type: 'conv2d', filters: 1, kernelSize: 2, dilationRate: 2 }, { type: 'flatten' }, { type: 'dense', units: 3 }] });
    const model = buildModel(spec, images);
    const json = model.toJSON(null, false) as unknown as { config: { layers: { class_name: string; config: { dilation_rate: number[] } }[] } };
    const conv = json.config.layers.find((l) => l.class_name === 'Conv2D');
    expect(conv?.config.dilation_rate).toEqual([2, 2]);
    const restored = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) });
    expect(restored.layers[0]).toBeInstanceOf(TrainableConv2D);
    model.dispose();
    restored.dispose();
  });

  it('refuses strides and dilation above 1 together, naming the layer', () => {
    const spec = layersModelSpecSchema.parse({ layers: [{ type: 'conv2d', filters: 2, kernelSize: 3, strides: 2, dilationRate: 2, name: 'both' }, { type: 'flatten' }, { type: 'dense', units: 3 }] });
    expect(() => buildModel(spec, images)).toThrow(/layer 0 \(conv2d "both"\): strides and dilationRate cannot both be above 1/);
  });
});

describe('initializers and regularizers', () => {
  const weightsOf = (layer: LayerSpec, seed?: number) => {
    const model = buildModel(layersModelSpecSchema.parse({ layers: [layer] }), { ...tabular, targetShape: [3], seed });
    const values = model.layers[0].getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return values;
  };

  it('uses the named initializers and their options', () => {
    const [kernel, bias] = weightsOf({ type: 'dense', units: 3, kernelInitializer: 'zeros', biasInitializer: 'ones' });
    expect(kernel.every((v) => v === 0)).toBe(true);
    expect(bias).toEqual([1, 1, 1]);
    const [constant] = weightsOf({ type: 'dense', units: 3, kernelInitializer: { type: 'constant', value: 0.25 } });
    expect(constant.every((v) => v === 0.25)).toBe(true);
    const [normal] = weightsOf({ type: 'dense', units: 3, kernelInitializer: { type: 'randomNormal', mean: 5, stddev: 0.01, seed: 1 } });
    expect(normal.every((v) => Math.abs(v - 5) < 0.1)).toBe(true);
    const [he1] = weightsOf({ type: 'dense', units: 3, kernelInitializer: 'heNormal' }, 42);
    const [he2] = weightsOf({ type: 'dense', units: 3, kernelInitializer: 'heNormal' }, 42);
    expect(he1).toEqual(he2);
    expect(new Set(he1).size).toBeGreaterThan(1);
  });

  it('adds kernel and bias L1/L2 penalties to the loss', async () => {
    const lossWith = async (layer: LayerSpec) => {
      const model = buildModel(layersModelSpecSchema.parse({ layers: [layer] }), tabular);
      compileModel(model, { optimizer: { type: 'sgd', learningRate: 0 }, loss: 'meanSquaredError' });
      const x = tf.ones([2, 4]);
      const y = tf.ones([2, 1]);
      const loss = (await model.trainOnBatch(x, y)) as number;
      tf.dispose([x, y]);
      model.dispose();
      return loss;
    };
    const base = { type: 'dense' as const, units: 1, kernelInitializer: { type: 'constant' as const, value: 0.5 }, biasInitializer: 'ones' as const };
    const plain = await lossWith(base);
    // (0.5·4 + 1 − 1)² = 4; L2 0.1 on four kernel weights of 0.5 adds 0.1; L1 0.2 on the bias of 1 adds 0.2.
    expect(plain).toBeCloseTo(4, 4);
    expect(await lossWith({ ...base, kernelRegularizer: { l2: 0.1 } })).toBeCloseTo(4.1, 4);
    expect(await lossWith({ ...base, biasRegularizer: { l1: 0.2 } })).toBeCloseTo(4.2, 4);
  });

  it('refuses unknown initializers and options with their paths', () => {
    const issues = (layer: object) => layersModelSpecSchema.safeParse({ layers: [layer] }).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ type: 'dense', units: 1, kernelInitializer: 'xavier' })).toEqual(['layers.0.kernelInitializer']);
    expect(issues({ type: 'dense', units: 1, kernelInitializer: { type: 'randomNormal', stdev: 1 } })?.[0]).toMatch(/^layers\.0\.kernelInitializer/);
    expect(issues({ type: 'dense', units: 1, biasRegularizer: { l3: 1 } })?.[0]).toMatch(/^layers\.0\.biasRegularizer/);
  });
});
