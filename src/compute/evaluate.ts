import * as tf from '@tensorflow/tfjs';
import type { Preprocessing } from '../datasets/preprocessing.ts';
import { tfjsMetrics } from '../model/compile-model.ts';
import type { LossName, MetricName } from '../spec/compile-spec.schema.ts';
import type { DatasetShape } from '../model/dataset-shape.ts';
import { targetEncodingFor } from '../model/target-encoding.ts';
import { loadDataset } from '../training/data-loader.ts';
import { evaluateModel, type Evaluation } from '../training/evaluate-model.ts';

export interface EvaluateRequest {
  /** The run's final model (model.json + weights.bin). */
  modelDir: string;
  /** The dataset to evaluate on (features.f32 + targets.f32) and what it holds. */
  datasetDir: string;
  dataset: DatasetShape & { numSamples: number; classNames: string[]; preprocessing: Preprocessing };
  /** The run's training data preprocessing: the evaluated features are re-expressed in it. */
  trainingPreprocessing: Preprocessing;
  /** The run's loss and metrics, so the numbers are the ones its epochs reported. */
  loss: LossName;
  metrics?: MetricName[];
}

/** Samples per forward pass: large enough to keep the kernels busy, small enough to bound activations. */
const EVALUATE_BATCH = 512;

/**
 * The optimizer compile insists on; evaluation never steps it. One for every call, owned by
 * no model, so recompiling a cached model neither leaks one nor disposes one in use.
 */
let unusedOptimizer: tf.Optimizer | null = null;

/**
 * A run's final model (the predict cache's copy: `model`) on a whole dataset: loss and
 * metrics as the run compiled them, and a confusion matrix for classification, in one
 * forward pass per batch. Compiling the cached model changes nothing predict uses, and
 * evaluateModel reads the compiled functions once, so calls may interleave.
 */
export async function evaluate(model: tf.LayersModel, request: EvaluateRequest): Promise<Evaluation> {
  unusedOptimizer ??= tf.train.sgd(0);
  model.compile({ optimizer: unusedOptimizer, loss: request.loss, metrics: tfjsMetrics(request.metrics, request.loss) });
  const { dataset } = request;
  const encoding = targetEncodingFor(dataset, model.outputs[0].shape.slice(1) as number[], request.loss);
  const loader = await loadDataset(
    request.datasetDir,
    { numSamples: dataset.numSamples, inputShape: dataset.inputShape, targetShape: dataset.targetShape, encoding, numClasses: dataset.numClasses, batchSize: EVALUATE_BATCH, validationSplit: 0, shuffle: false },
    { from: dataset.preprocessing, to: request.trainingPreprocessing },
  );
  const classNames = dataset.task === 'classification' ? Array.from({ length: dataset.numClasses ?? 0 }, (_, i) => dataset.classNames[i] ?? String(i)) : undefined;
  return evaluateModel(model, loader.allBatches(), { classNames });
}
