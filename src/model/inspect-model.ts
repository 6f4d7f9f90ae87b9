import { AppError } from '../errors/app-error.ts';
import { loadModelFromDir } from './file-model-io.ts';
import { summarizeModel, type ModelSummary } from './model-summary.ts';

export interface ModelInspection {
  /** One sample's input shape; null where the model takes any size. */
  inputShape: (number | null)[];
  summary: ModelSummary;
}

/**
 * Loads a tfjs layers model from `dir` (model.json + its weight files) to prove tfjs can
 * build it with those weights, then describes it. Transfer learning needs one input and one
 * output. INVALID_MODEL says what tfjs refused. Runs in the compute child.
 */
export async function inspectModel(dir: string): Promise<ModelInspection> {
  let model;
  try {
    model = await loadModelFromDir(dir);
  } catch (err) {
    const reason = (err as Error).message;
    throw new AppError('INVALID_MODEL', `TensorFlow.js cannot load this model: ${reason}`, { reason });
  }
  try {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw new AppError('INVALID_MODEL', `a base model needs one input and one output; this one has ${model.inputs.length} and ${model.outputs.length}`, {
        inputs: model.inputs.length,
        outputs: model.outputs.length,
      });
    }
    return { inputShape: model.inputs[0].shape.slice(1), summary: summarizeModel(model) };
  } finally {
    model.dispose();
  }
}
