import type { Preprocessing } from '../datasets/preprocessing.ts';
import type { DatasetShape } from '../model/dataset-shape.ts';
import type { ModelSummary } from '../model/model-summary.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import type { EvaluateRequest } from './evaluate.ts';
import type { Evaluation as EvaluateResult } from '../training/evaluate-model.ts';
import type { ModelInspection } from '../model/inspect-model.ts';

/**
 * RPC between the API (ComputeClient) and its compute child. The child sends `ready` once
 * tfjs is loaded; then each request carries an id that its one response repeats.
 */
export interface PredictRequest {
  /** Holds model.json + weights.bin (see src/model/file-model-io.ts). */
  modelDir: string;
  /** `count` instances of prod(inputShape) raw values each (before preprocessing), flat. */
  inputs: Float32Array;
  count: number;
  inputShape: number[];
  preprocessing: Preprocessing;
  task: DatasetShape['task'];
  classNames: string[];
  numClasses?: number | null;
}

export type Prediction =
  /** Classification: one probability per class (two for a single sigmoid unit), the likeliest class. */
  | { probabilities: number[]; classIndex: number; className: string }
  /** Multi-label: one probability per label, and the labels at or above 0.5. */
  | { probabilities: number[]; labels: string[] }
  /** Regression: the model's output values. */
  | { value: number[] };

export interface PredictResult {
  predictions: Prediction[];
}

export type { EvaluateRequest, EvaluateResult };

export interface ComputeMethods {
  validateRunSpec: { params: { spec: Pick<RunSpec, 'model' | 'compile' | 'fit'>; dataset: DatasetShape }; result: ModelSummary };
  predict: { params: PredictRequest; result: PredictResult };
  evaluate: { params: EvaluateRequest; result: EvaluateResult };
  /** Loads an uploaded model (POST /v1/models) to prove tfjs can, and describes it. */
  inspectModel: { params: { modelDir: string }; result: ModelInspection };
  /** validateRunSpec for a transfer run: builds base + head from the base in `baseModelDir`. */
  validateTransferRunSpec: { params: { spec: Pick<RunSpec, 'compile' | 'fit' | 'transfer'>; dataset: DatasetShape; baseModelDir: string }; result: ModelSummary };
}
export type ComputeMethod = keyof ComputeMethods;

export type ComputeRequest = { [M in ComputeMethod]: { id: number; method: M; params: ComputeMethods[M]['params'] } }[ComputeMethod];

export interface ComputeErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export type ComputeChildMessage =
  | { type: 'ready'; backend: string }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: ComputeErrorBody };
