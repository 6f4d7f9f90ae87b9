import type * as tf from '@tensorflow/tfjs';

type TrainFunction = (data: tf.Tensor[]) => tf.Scalar[];

/**
 * One optimizer step on a batch; returns the loss and metrics. tfjs's `trainOnBatch` takes
 * no sample weights, but the train function `fit` builds does (inputs, targets, then one
 * weight per sample multiplying its loss): class weights use that. Sequential models keep
 * their compiled graph in an inner model.
 */
export async function trainStep(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, sampleWeights?: tf.Tensor1D): Promise<number[]> {
  if (!sampleWeights) {
    const out = await model.trainOnBatch(xs, ys);
    return Array.isArray(out) ? out : [out];
  }
  const inner = ((model as unknown as { model?: tf.LayersModel }).model ?? model) as unknown as { makeTrainFunction(): TrainFunction };
  const outputs = inner.makeTrainFunction()([xs, ys, sampleWeights]);
  try {
    return await Promise.all(outputs.map(async (t) => (await t.data())[0]));
  } finally {
    for (const t of outputs) t.dispose();
  }
}
