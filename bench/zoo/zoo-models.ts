import type { LayerSpec, ModelSpec } from '../../src/spec/layer-spec.schema.ts';
import { REFERENCE_MODEL } from '../reference-cnn.ts';

/**
 * The models of the engine issue's table, as run specs for 28×28×1 inputs and 10 classes.
 * Each has a PyTorch twin of the same name in zoo_models.py: same layers, same shapes.
 */
export interface ZooModel {
  name: string;
  /** What it exercises, for the table. */
  about: string;
  model: ModelSpec;
}

const conv = (filters: number, kernelSize: number, extra: Partial<LayerSpec> = {}) => ({ type: 'conv2d', filters, kernelSize, ...extra }) as LayerSpec;
const bn = (name?: string) => ({ type: 'batchNormalization', ...(name && { name }) }) as LayerSpec;
const relu = (name?: string) => ({ type: 'activation', activation: 'relu', ...(name && { name }) }) as LayerSpec;
const classifier: LayerSpec[] = [{ type: 'dense', units: 10, activation: 'softmax' }];

/** conv-BN-relu, conv-BN (+ shortcut) → add → relu, named so the shortcut can point back. */
function residualBlock(prefix: string, input: string, filters: number, stride: number): LayerSpec[] {
  const downsample = stride > 1;
  return [
    conv(filters, 3, { name: `${prefix}_c1`, inputs: [input], strides: stride, padding: 'same' } as Partial<LayerSpec>),
    bn(`${prefix}_n1`),
    relu(`${prefix}_r1`),
    conv(filters, 3, { name: `${prefix}_c2`, padding: 'same' } as Partial<LayerSpec>),
    bn(`${prefix}_n2`),
    ...(downsample ? [conv(filters, 1, { name: `${prefix}_sc`, inputs: [input], strides: stride } as Partial<LayerSpec>), bn(`${prefix}_scn`)] : []),
    { type: 'add', name: `${prefix}_add`, inputs: [`${prefix}_n2`, downsample ? `${prefix}_scn` : input] } as LayerSpec,
    relu(`${prefix}_out`),
  ];
}

export const ZOO_MODELS: ZooModel[] = [
  { name: 'reference-cnn', about: 'conv-pool-conv-pool-dense, relu', model: REFERENCE_MODEL },
  {
    name: 'bn-cnn',
    about: 'the same with BatchNormalization after each conv',
    model: {
      layers: [conv(32, 3), bn(), relu(), { type: 'maxPooling2d', poolSize: 2 }, conv(64, 3), bn(), relu(), { type: 'maxPooling2d', poolSize: 2 }, { type: 'flatten' }, { type: 'dense', units: 128, activation: 'relu' }, { type: 'dropout', rate: 0.5 }, ...classifier],
    },
  },
  {
    name: 'lenet5',
    about: '5×5 valid convs, average pooling, tanh',
    model: {
      layers: [
        conv(6, 5, { activation: 'tanh' } as Partial<LayerSpec>),
        { type: 'averagePooling2d', poolSize: 2 },
        conv(16, 5, { activation: 'tanh' } as Partial<LayerSpec>),
        { type: 'averagePooling2d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 120, activation: 'tanh' },
        { type: 'dense', units: 84, activation: 'tanh' },
        ...classifier,
      ],
    },
  },
  {
    name: 'small-resnet',
    about: 'residual add, stride-2 and 1×1 convs, BN, global average pooling',
    model: {
      layers: [
        conv(16, 3, { name: 'stem', padding: 'same' } as Partial<LayerSpec>),
        bn('stem_n'),
        relu('stem_r'),
        ...residualBlock('b1', 'stem_r', 16, 1),
        ...residualBlock('b2', 'b1_out', 32, 2),
        ...residualBlock('b3', 'b2_out', 64, 2),
        { type: 'globalAveragePooling2d' },
        ...classifier,
      ],
    },
  },
  {
    name: 'small-vgg',
    about: 'two VGG blocks of two 3×3 same convs',
    model: {
      layers: [
        conv(32, 3, { padding: 'same', activation: 'relu' } as Partial<LayerSpec>),
        conv(32, 3, { padding: 'same', activation: 'relu' } as Partial<LayerSpec>),
        { type: 'maxPooling2d', poolSize: 2 },
        conv(64, 3, { padding: 'same', activation: 'relu' } as Partial<LayerSpec>),
        conv(64, 3, { padding: 'same', activation: 'relu' } as Partial<LayerSpec>),
        { type: 'maxPooling2d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 128, activation: 'relu' },
        ...classifier,
      ],
    },
  },
  {
    name: 'mlp',
    about: 'dense + dropout',
    model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 256, activation: 'relu' }, { type: 'dropout', rate: 0.2 }, { type: 'dense', units: 128, activation: 'relu' }, { type: 'dropout', rate: 0.2 }, ...classifier] },
  },
];
