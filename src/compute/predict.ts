import * as tf from '@tensorflow/tfjs';
import { applyPreprocessing } from '../datasets/preprocessing.ts';
import { sizeOf } from '../model/dataset-shape.ts';
import type { PredictRequest, PredictResult, Prediction } from './compute-protocol.ts';

/** Instances per forward pass: bounds the activations held at once. */
const CHUNK = 256;

/**
 * Runs a batch of `count` flat inputs through `model`: preprocessed exactly as the training
 * data was, in chunks, and the outputs turned into class probabilities or values by the
 * dataset's task. The inputs arrive checked (see predict-inputs.ts).
 */
export async function predict(model: tf.LayersModel, request: PredictRequest): Promise<PredictResult> {
  const perInstance = sizeOf(request.inputShape);
  const flat = Float32Array.from(request.inputs);
  applyPreprocessing(request.preprocessing, flat, perInstance);

  const predictions: Prediction[] = [];
  for (let start = 0; start < request.count; start += CHUNK) {
    const count = Math.min(CHUNK, request.count - start);
    const output = tf.tidy(() => {
      const x = tf.tensor(flat.subarray(start * perInstance, (start + count) * perInstance), [count, ...request.inputShape]);
      return model.predict(x) as tf.Tensor;
    });
    const values = await output.data();
    output.dispose();
    const width = values.length / count;
    for (let i = 0; i < count; i++) predictions.push(toPrediction(Array.from(values.subarray(i * width, (i + 1) * width)), request));
  }
  return { predictions };
}

function toPrediction(row: number[], request: PredictRequest): Prediction {
  if (request.task === 'regression') return { value: row };
  if (request.task === 'multilabel') return { probabilities: row, labels: request.classNames.filter((_, i) => row[i] >= 0.5) };
  // One sigmoid unit for two classes: its output is the probability of class 1.
  const probabilities = row.length === 1 ? [1 - row[0], row[0]] : row;
  const classIndex = probabilities.indexOf(Math.max(...probabilities));
  return { probabilities, classIndex, className: request.classNames[classIndex] ?? String(classIndex) };
}
