import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.ts';
import { MAX_PARAMS } from '../../src/model/build-model.ts';
import { buildRunModel } from '../../src/model/build-run-model.ts';
import type { DatasetShape } from '../../src/model/dataset-shape.ts';
import { modelSpecSchema } from '../../src/spec/model-spec.schema.ts';
import { summarizeModel } from '../../src/model/model-summary.ts';
import { presetLayers } from '../../src/model/presets/preset-layers.ts';

const mnist: DatasetShape = { inputShape: [28, 28, 1], targetShape: [1], numClasses: 10, task: 'classification' };
const tiny: DatasetShape = { inputShape: [8, 8, 1], targetShape: [1], numClasses: 3, task: 'classification' };
const tabular: DatasetShape = { inputShape: [3], targetShape: [1], numClasses: null, task: 'regression' };
const labels: DatasetShape = { inputShape: [5], targetShape: [4], numClasses: 4, task: 'multilabel' };

const preset = (spec: object) => modelSpecSchema.parse(spec);

async function summaryOf(spec: object, dataset: DatasetShape) {
  const model = await buildRunModel(preset(spec), dataset);
  try {
    return { summary: summarizeModel(model), activation: (model.layers.at(-1)!.getConfig() as { activation?: string }).activation };
  } finally {
    model.dispose();
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('presets', () => {
  it.each(['linear', 'mlp', 'lenet5', 'alexnet', 'vgg16', 'resnet'])('%s builds for MNIST within the parameter budget, softmax over 10 classes', async (name) => {
    const { summary, activation } = await summaryOf({ preset: name }, mnist);
    expect(summary.totalParams).toBeLessThan(MAX_PARAMS);
    expect(summary.layers.at(-1)!.outputShape).toEqual([null, 10]);
    expect(activation).toBe('softmax');
    // Nothing shrinks below 1×1: every 4-D output keeps positive sides.
    for (const l of summary.layers) expect(l.outputShape.slice(1).every((d) => d !== null && d > 0)).toBe(true);
  });

  it('linear is H(X) = XW + b; the output follows the task', async () => {
    const reg = await summaryOf({ preset: 'linear' }, tabular);
    expect(reg.summary.totalParams).toBe(4);
    expect(reg.activation).toBe('linear');
    const multi = await summaryOf({ preset: 'linear' }, labels);
    expect(multi.activation).toBe('sigmoid');
    expect(multi.summary.layers.at(-1)!.outputShape).toEqual([null, 4]);
  });

  it('mlp takes hidden units, dropout and batch normalization', async () => {
    const { summary } = await summaryOf({ preset: 'mlp', hiddenUnits: [16, 8], dropout: 0.2, batchNormalization: true }, tabular);
    expect(summary.layers.map((l) => l.type)).toEqual(['Dense', 'BatchNormalization', 'Dropout', 'Dense', 'BatchNormalization', 'Dropout', 'Dense']);
    expect(summary.totalParams).toBe(3 * 16 + 16 + 4 * 16 + 16 * 8 + 8 + 4 * 8 + 9);
  });

  it('lenet5 keeps the paper sizes on 28×28 (28, 14, 10, 5) and ~61.7k parameters', async () => {
    const { summary } = await summaryOf({ preset: 'lenet5' }, mnist);
    expect(summary.layers.filter((l) => l.outputShape.length === 4).map((l) => l.outputShape[1])).toEqual([28, 14, 10, 5]);
    expect(summary.totalParams).toBe(61_706);
  });

  it('alexnet and vgg16 scale down for 28×28: small stem, pools stop at 1×1, 512-wide dense layers', () => {
    const alex = presetLayers({ preset: 'alexnet' }, mnist).layers;
    expect(alex[0]).toMatchObject({ type: 'conv2d', kernelSize: 3 });
    expect(alex.find((l) => l.name === 'fc6')).toMatchObject({ units: 512 });
    const vgg = presetLayers({ preset: 'vgg16' }, mnist).layers;
    expect(vgg.filter((l) => l.type === 'maxPooling2d')).toHaveLength(4);
    const big = presetLayers({ preset: 'alexnet' }, { ...mnist, inputShape: [224, 224, 3] }).layers;
    expect(big[0]).toMatchObject({ kernelSize: 11, strides: 4, padding: 'valid' });
    expect(big.find((l) => l.name === 'fc6')).toMatchObject({ units: 4096 });
  });

  it("vgg16's 13 relu convs keep their signal at init (He, not Glorot: with Glorot every class came out at 0.1 and the loss sat at ln 10)", async () => {
    const model = await buildRunModel(preset({ preset: 'vgg16', widthMultiplier: 0.125 }), { ...mnist, seed: 3 } as DatasetShape);
    const spread = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 5)) as tf.Tensor, 0.1))).dataSync()[0]);
    model.dispose();
    // Glorot gave 2e-5 here, He gives about 1e-2.
    expect(spread).toBeGreaterThan(1e-3);
  });

  it('widthMultiplier scales filters and dense widths', async () => {
    const full = await summaryOf({ preset: 'vgg16' }, tiny);
    const quarter = await summaryOf({ preset: 'vgg16', widthMultiplier: 0.25 }, tiny);
    expect(quarter.summary.layers.find((l) => l.name === 'block1_conv1')!.outputShape).toEqual([null, 8, 8, 16]);
    expect(quarter.summary.totalParams).toBeLessThan(full.summary.totalParams / 10);
  });

  it('resnet is a graph of residual blocks with projected shortcuts, sized by blocks/filters', async () => {
    const { summary } = await summaryOf({ preset: 'resnet', blocks: 1, filters: 4 }, tiny);
    const adds = summary.layers.filter((l) => l.type === 'Add');
    expect(adds).toHaveLength(3);
    expect(adds.map((l) => l.outputShape)).toEqual([
      [null, 8, 8, 4],
      [null, 4, 4, 8],
      [null, 2, 2, 16],
    ]);
    expect(adds[1].inputs).toEqual(['stage2_block1_bn2', 'stage2_block1_proj']);
    expect(summary.layers[0].type).toBe('InputLayer');
  });

  it('adds a channel axis to 2-D images and refuses conv presets on tabular data', async () => {
    const { summary } = await summaryOf({ preset: 'lenet5' }, { ...mnist, inputShape: [28, 28] });
    expect(summary.layers[0]).toMatchObject({ type: 'Reshape', outputShape: [null, 28, 28, 1] });
    await expect(buildRunModel(preset({ preset: 'resnet' }), tabular)).rejects.toThrow(AppError);
    await expect(buildRunModel(preset({ preset: 'resnet' }), tabular)).rejects.toThrow(/preset "resnet" needs image input/);
  });

  it('refuses options another preset owns, with the path', () => {
    const issues = modelSpecSchema.safeParse({ preset: 'mlp', blocks: 2 }).error?.issues;
    expect(issues?.[0].message).toMatch(/blocks/);
    expect(modelSpecSchema.safeParse({ preset: 'googlenet' }).success).toBe(false);
  });
});
