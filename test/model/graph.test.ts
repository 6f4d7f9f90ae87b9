import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.ts';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import type { DatasetShape } from '../../src/model/dataset-shape.ts';
import { layersModelSpecSchema } from '../../src/spec/layer-spec.schema.ts';
import { summarizeModel } from '../../src/model/model-summary.ts';

const images: DatasetShape = { inputShape: [8, 8, 1], targetShape: [1], numClasses: 2, task: 'classification' };
const build = (layers: object[]) => buildModel(layersModelSpecSchema.parse({ layers }), images);

function buildError(layers: object[]): AppError {
  try {
    build(layers).dispose();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected the build to fail');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const residual = [
  { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem' },
  { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'body' },
  { type: 'add', inputs: ['stem', 'body'], name: 'residual' },
  { type: 'globalAveragePooling2d', name: 'gap' },
  { type: 'dense', units: 2, activation: 'softmax', name: 'out' },
];

describe('graph models', () => {
  it('builds a residual block with the functional API; the summary says what each layer takes', () => {
    const model = build(residual);
    const summary = summarizeModel(model);
    expect(summary.layers.map((l) => [l.name, l.type, l.outputShape, l.params, l.inputs])).toEqual([
      ['input', 'InputLayer', [null, 8, 8, 1], 0, []],
      ['stem', 'Conv2D', [null, 8, 8, 4], 40, ['input']],
      ['body', 'Conv2D', [null, 8, 8, 4], 148, ['stem']],
      ['residual', 'Add', [null, 8, 8, 4], 0, ['stem', 'body']],
      ['gap', 'GlobalAveragePooling2D', [null, 4], 0, ['residual']],
      ['out', 'Dense', [null, 2], 10, ['gap']],
    ]);
    expect(summary.totalParams).toBe(198);
    model.dispose();
  });

  it('keeps plain lists sequential, without an inputs column', () => {
    const model = build([{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }]);
    expect(model.getClassName()).toBe('Sequential');
    expect(summarizeModel(model).layers.every((l) => l.inputs === undefined)).toBe(true);
    model.dispose();
  });

  it('concatenates branches taken from the input, and trains', async () => {
    const model = build([
      { type: 'conv2d', filters: 2, kernelSize: 1, name: 'narrow', inputs: ['input'] },
      { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', name: 'wide', inputs: ['input'] },
      { type: 'concatenate', inputs: ['narrow', 'wide', 'input'], name: 'joined' },
      { type: 'flatten' },
      { type: 'dense', units: 2, activation: 'softmax' },
    ]);
    expect(model.getLayer('joined').outputShape).toEqual([null, 8, 8, 6]);
    compileModel(model, { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'categoricalCrossentropy' });
    const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    const first = (await model.trainOnBatch(x, y)) as number;
    let last = first;
    for (let i = 0; i < 5; i++) last = (await model.trainOnBatch(x, y)) as number;
    expect(last).toBeLessThan(first);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('names the layer whose input is unknown, later, or itself', () => {
    const unknown = buildError([{ type: 'dense', units: 2, inputs: ['nope'], name: 'head' }]);
    expect(unknown.message).toBe('layer 0 (dense "head"): unknown input "nope"; the names known here are "input"');
    expect(unknown.details).toMatchObject({ layer: 0, type: 'dense', name: 'head' });
    const forward = buildError([
      { type: 'conv2d', filters: 2, kernelSize: 3, inputs: ['later'], name: 'early' },
      { type: 'conv2d', filters: 2, kernelSize: 3, name: 'later' },
    ]);
    expect(forward.message).toContain('layer 0 (conv2d "early"): input "later" is layer 1, which comes later');
    const self = buildError([{ type: 'conv2d', filters: 2, kernelSize: 3, inputs: ['loop'], name: 'loop' }]);
    expect(self.message).toContain('takes its own output "loop" as input; a model cannot have cycles');
  });

  it('refuses add over different shapes and concatenate over mismatched axes, naming the inputs', () => {
    const add = buildError([
      { type: 'conv2d', filters: 4, kernelSize: 3, name: 'a' },
      { type: 'add', inputs: ['a', 'input'], name: 'sum' },
    ]);
    expect(add.message).toBe('layer 1 (add "sum"): add needs inputs of one shape, got "a" [6, 6, 4], "input" [8, 8, 1]');
    const concat = buildError([
      { type: 'conv2d', filters: 4, kernelSize: 3, name: 'a' },
      { type: 'concatenate', inputs: ['a', 'input'] },
    ]);
    expect(concat.message).toContain('concatenate along axis -1 needs every other axis equal');
  });

  it('refuses a branch that nothing uses, since only the last layer is the output', () => {
    const err = buildError([
      { type: 'conv2d', filters: 2, kernelSize: 3, name: 'orphan', inputs: ['input'] },
      { type: 'flatten', inputs: ['input'] },
      { type: 'dense', units: 2, activation: 'softmax' },
    ]);
    expect(err.details).toMatchObject({ layer: 0, name: 'orphan' });
    expect(err.message).toContain('its output is never used');
  });

  it('checks merge inputs in the schema: at least two, and "input" is reserved', () => {
    const paths = (layers: object[]) => layersModelSpecSchema.safeParse({ layers }).error?.issues.map((i) => i.path.join('.'));
    expect(paths([{ type: 'add', inputs: ['input'] }])).toEqual(['layers.0.inputs']);
    expect(paths([{ type: 'dense', units: 1, name: 'input' }])).toEqual(['layers.0.name']);
    expect(paths([{ type: 'dense', units: 1, inputs: ['a', 'b'] }])).toEqual(['layers.0.inputs']);
  });

  it('leaves no tensors behind when a graph fails half-built', () => {
    const before = tf.memory().numTensors;
    buildError([
      { type: 'conv2d', filters: 4, kernelSize: 3, name: 'a' },
      { type: 'conv2d', filters: 4, kernelSize: 3, name: 'b' },
      { type: 'add', inputs: ['a', 'b'] },
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
