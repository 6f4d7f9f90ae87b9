import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.ts';
import { buildModel } from '../../src/model/build-model.ts';
import type { DatasetShape } from '../../src/model/dataset-shape.ts';
import type { LayerSpec } from '../../src/spec/layer-spec.schema.ts';
import { summarizeModel } from '../../src/model/model-summary.ts';

const mnist: DatasetShape = { inputShape: [28, 28, 1], targetShape: [1], numClasses: 10, task: 'classification' };
const tabular: DatasetShape = { inputShape: [3], targetShape: [1], numClasses: null, task: 'regression' };

function buildError(layers: LayerSpec[], dataset: DatasetShape = mnist): AppError {
  try {
    buildModel({ layers }, dataset).dispose();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected buildModel to throw');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('buildModel', () => {
  it('builds a small CNN whose summary matches Keras', () => {
    const model = buildModel(
      {
        layers: [
          { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu', name: 'conv' },
          { type: 'maxPooling2d' },
          { type: 'batchNormalization' },
          { type: 'flatten' },
          { type: 'dense', units: 10, activation: 'softmax' },
        ],
      },
      mnist,
    );
    const summary = summarizeModel(model);
    model.dispose();
    expect(summary.layers.map((l) => [l.type, l.outputShape, l.params])).toEqual([
      ['Conv2D', [null, 26, 26, 4], 3 * 3 * 1 * 4 + 4],
      ['MaxPooling2D', [null, 13, 13, 4], 0],
      ['BatchNormalization', [null, 13, 13, 4], 16],
      ['Flatten', [null, 676], 0],
      ['Dense', [null, 10], 676 * 10 + 10],
    ]);
    expect(summary.layers[0].name).toBe('conv');
    expect(summary.nonTrainableParams).toBe(8);
    expect(summary.totalParams).toBe(40 + 16 + 6770);
    expect(summary.trainableParams).toBe(summary.totalParams - 8);
  });

  it('names the layer when a conv2d meets a 1-D input', () => {
    const err = buildError([{ type: 'conv2d', filters: 4, kernelSize: 3, name: 'first' }, { type: 'dense', units: 1 }], tabular);
    expect(err.code).toBe('INVALID_MODEL');
    expect(err.message).toMatch(/^layer 0 \(conv2d "first"\): needs a \[height, width, channels\] input, got \[3\]/);
    expect(err.details).toMatchObject({ layer: 0, type: 'conv2d', name: 'first' });
  });

  it('suggests a reshape for 2-D images without a channel axis', () => {
    const err = buildError([{ type: 'conv2d', filters: 4, kernelSize: 3 }], { ...mnist, inputShape: [28, 28] });
    expect(err.message).toContain('"targetShape": [28, 28, 1]');
  });

  it('refuses a kernel larger than its input', () => {
    const err = buildError([
      { type: 'conv2d', filters: 4, kernelSize: 5, strides: 5 },
      { type: 'conv2d', filters: 4, kernelSize: 7 },
    ]);
    expect(err.details).toMatchObject({ layer: 1, type: 'conv2d' });
    expect(err.message).toContain('kernel 7×7 is larger than its 5×5 input');
  });

  it('refuses a last layer that does not match the classes or targets', () => {
    const cls = buildError([{ type: 'flatten' }, { type: 'dense', units: 9, activation: 'softmax' }]);
    expect(cls.code).toBe('INVALID_MODEL');
    expect(cls.message).toContain('10 classes: it must output 10 units');
    const unflat = buildError([{ type: 'dense', units: 10 }]);
    expect(unflat.message).toContain('add a flatten layer');
    const reg = buildError([{ type: 'dense', units: 2 }], tabular);
    expect(reg.message).toContain('it must output 1 values');
  });

  it('refuses reshape targets of the wrong size and oversize models', () => {
    expect(buildError([{ type: 'reshape', targetShape: [5, 5] }]).details).toMatchObject({ layer: 0, type: 'reshape' });
    const big = buildError([{ type: 'dense', units: 65536 }, { type: 'dense', units: 65536 }, { type: 'dense', units: 1 }], tabular);
    expect(big.details).toMatchObject({ layer: 1, type: 'dense' });
    expect(tf.memory().numTensors).toBeLessThan(50);
  });
});
