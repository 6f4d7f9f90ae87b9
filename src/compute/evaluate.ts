import type { Preprocessing } from '../datasets/preprocessing.ts';
import { tfjsMetrics } from '../model/compile-model.ts';
import type { LossName, MetricName } from '../spec/compile-spec.schema.ts';
import type { DatasetShape } from '../model/dataset-shape.ts';
import { loadModelFromDir } from '../model/file-model-io.ts';
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
  batchSize: number;
}

/**
 * A run's final model on a whole dataset: loss and metrics as the run compiled them, and a
 * confusion matrix for classification. The model is loaded fresh (not from the predict
 * cache) because compiling attaches an optimizer that must go away with it.
 */
export async function evaluate(request: EvaluateRequest): Promise<Evaluation> {
  const model = await loadModelFromDir(request.modelDir);
  try {
    model.compile({ optimizer: 'sgd', loss: request.loss, metrics: tfjsMetrics(request.metrics) });
    const { dataset } = request;
    const encoding = targetEncodingFor(dataset, model.outputs[0].shape.slice(1) as number[], request.loss);
    const loader = await loadDataset(
      request.datasetDir,
      { numSamples: dataset.numSamples, inputShape: dataset.inputShape, targetShape: dataset.targetShape, encoding, numClasses: dataset.numClasses, batchSize: request.batchSize, validationSplit: 0, shuffle: false },
      { from: dataset.preprocessing, to: request.trainingPreprocessing },
    );
    const classNames = dataset.task === 'classification' ? Array.from({ length: dataset.numClasses ?? 0 }, (_, i) => dataset.classNames[i] ?? String(i)) : undefined;
    return await evaluateModel(model, loader.allBatches(), { classNames });
  } finally {
    model.dispose();
  }
}
