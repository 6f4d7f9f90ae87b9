import * as tf from '@tensorflow/tfjs';
import type { LayerSpec } from './layer-spec.schema.ts';

/** tfjs does not export its Layer base class by name from the package root. */
type Layer = Parameters<tf.Sequential['add']>[0];

export interface CreateLayerOptions {
  /** Set on the first layer only: one sample's shape from the dataset. */
  inputShape?: number[];
  /** Seeds the kernel initialiser and dropout so a seeded run is reproducible. */
  seed?: number;
}

const l1l2 = (r: { l1?: number; l2?: number } | undefined) => (r ? tf.regularizers.l1l2({ l1: r.l1 ?? 0, l2: r.l2 ?? 0 }) : undefined);
const kernelInit = (seed: number | undefined) => (seed === undefined ? undefined : tf.initializers.glorotUniform({ seed }));

/** Maps one layer spec to its tfjs layer. Pure: builds nothing until the layer is added to a model. */
export function createLayer(spec: LayerSpec, { inputShape, seed }: CreateLayerOptions = {}): Layer {
  const common = { ...(spec.name ? { name: spec.name } : {}), ...(inputShape ? { inputShape } : {}) };
  switch (spec.type) {
    case 'dense':
      return tf.layers.dense({
        ...common,
        units: spec.units,
        activation: spec.activation,
        useBias: spec.useBias,
        kernelRegularizer: l1l2(spec.kernelRegularizer),
        kernelInitializer: kernelInit(seed),
      });
    case 'conv2d':
      return tf.layers.conv2d({
        ...common,
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        padding: spec.padding,
        activation: spec.activation,
        dilationRate: spec.dilationRate,
        useBias: spec.useBias,
        kernelRegularizer: l1l2(spec.kernelRegularizer),
        kernelInitializer: kernelInit(seed),
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
      return tf.layers.dropout({ ...common, rate: spec.rate, seed });
    case 'batchNormalization':
      return tf.layers.batchNormalization({ ...common, momentum: spec.momentum, epsilon: spec.epsilon });
    case 'activation':
      return tf.layers.activation({ ...common, activation: spec.activation });
    case 'reshape':
      return tf.layers.reshape({ ...common, targetShape: spec.targetShape });
    case 'zeroPadding2d':
      return tf.layers.zeroPadding2d({ ...common, padding: spec.padding ?? 1 });
  }
}
