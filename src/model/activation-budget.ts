import type * as tf from '@tensorflow/tfjs';
import { AppError } from '../errors/app-error.ts';

/**
 * Most bytes the layer outputs of one training batch may take (MODEL_MAX_ACTIVATION_BYTES):
 * backpropagation keeps every one until the batch's gradients are done. 8 GiB fits the
 * machines Trainyard runs on; VGG16 at 224×224 with batches of 32 needs about 2 GiB.
 */
export const MAX_ACTIVATION_BYTES = 8 * 1024 ** 3;

export interface ActivationBudget {
  batchSize: number;
  maxBytes: number;
}

const size = (shape: readonly (number | null)[]) => shape.slice(1).reduce<number>((n, d) => n * (d ?? 1), 1);

/**
 * Refuses, by arithmetic on the built (symbolic, never run) model, a spec whose batch would
 * not fit in memory: the Float32 outputs of every layer for `batchSize` samples. A conv layer
 * with few weights but thousands of filters over a big image passes the parameter budget and
 * would otherwise fail only when a worker runs out of memory on its first batch.
 */
export function checkActivationBudget(model: tf.LayersModel, budget: ActivationBudget): void {
  let perSample = 0;
  let largest = { name: '', values: 0 };
  for (const layer of model.layers) {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (number | null)[][];
    const values = shapes.reduce((n, shape) => n + size(shape), 0);
    perSample += values;
    if (values > largest.values) largest = { name: layer.name, values };
  }
  const bytes = perSample * 4 * budget.batchSize;
  if (bytes > budget.maxBytes) {
    throw new AppError(
      'MODEL_TOO_LARGE',
      `one batch of ${budget.batchSize} would need ${gib(bytes)} GiB of layer outputs, over the ${gib(budget.maxBytes)} GiB limit (MODEL_MAX_ACTIVATION_BYTES); the largest is layer "${largest.name}" (${largest.values.toLocaleString('en')} values per sample): use a smaller batchSize, fewer filters or units, or smaller inputs`,
      { activationBytes: bytes, maxActivationBytes: budget.maxBytes, batchSize: budget.batchSize, layer: largest.name },
    );
  }
}

const gib = (bytes: number) => (bytes / 1024 ** 3).toFixed(bytes < 1024 ** 3 ? 2 : 1);
