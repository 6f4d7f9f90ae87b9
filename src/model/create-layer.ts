import * as tf from '@tensorflow/tfjs';
import { createInitializer } from './create-initializer.ts';
import type { InitializerSpec, LayerSpec, RegularizerSpec } from '../spec/layer-spec.schema.ts';
import { TrainableConv2D } from './trainable-conv2d.layer.ts';
import { FusedBatchNormalization } from './batch-normalization.layer.ts';

/** tfjs does not export its Layer base class by name from the package root. */
type Layer = Parameters<tf.Sequential['add']>[0];

export interface CreateLayerOptions {
  /** Set on the first layer only: one sample's shape from the dataset. */
  inputShape?: number[];
  /** Seeds the kernel initialiser so a seeded run starts from the same weights. */
  seed?: number;
}

const l1l2 = (r: RegularizerSpec | undefined) => (r ? tf.regularizers.l1l2({ l1: r.l1 ?? 0, l2: r.l2 ?? 0 }) : undefined);

/** Keras's defaults (glorotUniform kernels, zero biases); a seeded run seeds the default kernel initializer too. */
const kernelInit = (spec: InitializerSpec | undefined, seed: number | undefined) =>
  spec ? createInitializer(spec, seed) : seed === undefined ? undefined : tf.initializers.glorotUniform({ seed });
const biasInit = (spec: InitializerSpec | undefined, seed: number | undefined) => (spec ? createInitializer(spec, seed) : undefined);

/** The weight options dense and conv2d share. */
function weightArgs(spec: Extract<LayerSpec, { type: 'dense' | 'conv2d' }>, seed: number | undefined) {
  return {
    useBias: spec.useBias,
    kernelRegularizer: l1l2(spec.kernelRegularizer),
    biasRegularizer: l1l2(spec.biasRegularizer),
    kernelInitializer: kernelInit(spec.kernelInitializer, seed),
    biasInitializer: biasInit(spec.biasInitializer, seed === undefined ? undefined : seed + 7919),
  };
}

/** Maps one layer spec to its tfjs layer. Pure: builds nothing until the layer is added to a model. */
export function createLayer(spec: LayerSpec, { inputShape, seed }: CreateLayerOptions = {}): Layer {
  const common = { ...(spec.name ? { name: spec.name } : {}), ...(inputShape ? { inputShape } : {}) };
  switch (spec.type) {
    case 'dense':
      return tf.layers.dense({
        ...common,
        units: spec.units,
        activation: spec.activation,
        ...weightArgs(spec, seed),
      });
    case 'conv2d':
      // tfjs's Conv2D, able to train dilated kernels (see trainable-conv2d.layer.ts).
      return new TrainableConv2D({
        ...common,
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        padding: spec.padding,
        activation: spec.activation,
        dilationRate: spec.dilationRate,
        ...weightArgs(spec, seed),
      });
    case 'maxPooling2d':
      return tf.layers.maxPooling2d({ ...common, poolSize: spec.poolSize ?? 2, strides: spec.strides, padding: spec.padding });
    case 'averagePooling2d':
      return tf.layers.averagePooling2d({ ...common, poolSize: spec.poolSize ?? 2, strides: spec.strides, padding: spec.padding });
    case 'globalAveragePooling2d':
      return tf.layers.globalAveragePooling2d(common);
    case 'globalMaxPooling2d':
      return tf.layers.globalMaxPooling2d(common);
    case 'flatten':
      return tf.layers.flatten(common);
    case 'dropout':
      // Never seeded: tfjs's Dropout redraws from its seed on every call, so a seeded one
      // drops the same units at every step, training one fixed sub-network.
      return tf.layers.dropout({ ...common, rate: spec.rate });
    case 'batchNormalization':
      return new FusedBatchNormalization({ ...common, momentum: spec.momentum, epsilon: spec.epsilon });
    case 'activation':
      return tf.layers.activation({ ...common, activation: spec.activation });
    case 'reshape':
      return tf.layers.reshape({ ...common, targetShape: spec.targetShape });
    case 'zeroPadding2d':
      return tf.layers.zeroPadding2d({ ...common, padding: spec.padding ?? 1 });
    case 'add':
      return tf.layers.add(common);
    case 'concatenate':
      return tf.layers.concatenate({ ...common, axis: spec.axis ?? -1 });
  }
}
