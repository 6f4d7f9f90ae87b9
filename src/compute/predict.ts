import * as tf from '@tensorflow/tfjs';
import { applyPreprocessing } from '../datasets/preprocessing.ts';
import { AppError } from '../errors/app-error.ts';
import { sizeOf } from '../model/dataset-shape.ts';
import type { PredictRequest, PredictResult, Prediction } from './compute-protocol.ts';

/** Instances per forward pass: bounds the activations held at once. */
const CHUNK = 256;

/**
 * Runs `instances` through `model`: each is flattened, checked to hold prod(inputShape)
 * numbers, preprocessed exactly as the training data was, and the outputs are turned into
 * class probabilities or values by the dataset's task.
 */
export async function predict(model: tf.LayersModel, request: PredictRequest): Promise<PredictResult> {
  const perInstance = sizeOf(request.inputShape);
  const flat = new Float32Array(request.instances.length * perInstance);
  request.instances.forEach((instance, i) => flat.set(flattenInstance(instance, i, perInstance, request.inputShape), i * perInstance));
  applyPreprocessing(request.preprocessing, flat, perInstance);

  const predictions: Prediction[] = [];
  for (let start = 0; start < request.instances.length; start += CHUNK) {
    const count = Math.min(CHUNK, request.instances.length - start);
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

function flattenInstance(instance: unknown, index: number, expected: number, inputShape: number[]): Float32Array {
  const values: number[] = [];
  const visit = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.every(visit);
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    values.push(v);
    return true;
  };
  if (!visit(instance)) {
    throw new AppError('VALIDATION_FAILED', `instances[${index}] must hold only finite numbers (nested arrays allowed)`, { path: ['instances', index] });
  }
  if (values.length !== expected) {
    throw new AppError('VALIDATION_FAILED', `instances[${index}] has ${values.length} values, the model takes ${expected} (input shape [${inputShape.join(', ')}])`, {
      path: ['instances', index],
      expected,
      got: values.length,
    });
  }
  return Float32Array.from(values);
}

function toPrediction(row: number[], request: PredictRequest): Prediction {
  if (request.task === 'regression') return { value: row };
  if (request.task === 'multilabel') return { probabilities: row, labels: request.classNames.filter((_, i) => row[i] >= 0.5) };
  // One sigmoid unit for two classes: its output is the probability of class 1.
  const probabilities = row.length === 1 ? [1 - row[0], row[0]] : row;
  const classIndex = probabilities.indexOf(Math.max(...probabilities));
  return { probabilities, classIndex, className: request.classNames[classIndex] ?? String(classIndex) };
}
