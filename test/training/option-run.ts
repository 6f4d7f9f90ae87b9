import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { predict } from '../../src/compute/predict.ts';
import { flattenPredictInput } from '../../src/compute/predict-inputs.ts';
import { AppError } from '../../src/errors/app-error.ts';
import { fileLoadHandler, loadModelFromDir } from '../../src/model/file-model-io.ts';
import { validateRunSpec } from '../../src/model/validate-spec.ts';
import { parseRunSpec } from '../../src/spec/parse-run-spec.ts';
import type { RunSpec } from '../../src/spec/run-spec.schema.ts';
import { runTraining } from '../../src/training/run-training.ts';
import type { TrainDataset, TrainingMessage, TrainJob } from '../../src/training/training-job.ts';
import { tempDir } from './dataset-fixture.ts';
import type { OptionCase } from './option-cases.ts';

type Message<T extends TrainingMessage['type']> = Extract<TrainingMessage, { type: T }>;

/** Runs the training core in this process, as the trainer child does, collecting its messages. */
export async function train(job: TrainJob) {
  const messages: TrainingMessage[] = [];
  await runTraining(job, { send: (m) => messages.push(m), shouldStop: () => false });
  const of = <T extends TrainingMessage['type']>(type: T) => messages.filter((m) => m.type === type) as Message<T>[];
  const final = messages.at(-1)!;
  if (final.type === 'failed') throw new Error(`training failed: ${final.code}: ${final.message}`);
  expect(final).toMatchObject({ type: 'done', status: 'completed' });
  return { checkpoints: of('checkpoint'), epochs: of('epoch'), modelDir: (final as Message<'done'>).modelDir! };
}

export type OptionOutcome = { refused: AppError } | { refused: null; predictions: number[][] };

/**
 * What the service does with a spec, end to end: the schema accepts it; the compute child's
 * check either refuses it with a 4xx naming the option (then nothing trains) or it trains
 * two epochs, resumes from the checkpoint written after the first, and the resumed run's
 * model (read back both by our loader and by plain tf.loadLayersModel) predicts.
 * `exact`: the resumed run must end with the very weights of the uninterrupted one.
 */
export async function trainResumePredict(c: OptionCase, dataset: TrainDataset, exact: boolean): Promise<OptionOutcome> {
  const spec: RunSpec = parseRunSpec(c.spec);
  try {
    await validateRunSpec(spec, dataset);
  } catch (err) {
    if (err instanceof AppError && err.statusCode < 500) return { refused: err };
    throw err;
  }
  const job = async (extra: Partial<TrainJob> = {}): Promise<TrainJob> => ({ runId: 'run-options', spec, dataset, runDir: await tempDir(), ...extra });
  const full = await train(await job());
  const after1 = full.checkpoints.find((m) => m.epoch === 1 || (m.epoch === 2 && m.batch === 0));
  expect(after1, 'a checkpoint after epoch 1 to resume from').toBeDefined();
  const resumed = await train(await job({ resumeFrom: { checkpointDir: after1!.dir, epoch: after1!.epoch, ...(after1!.batch !== undefined && { batch: after1!.batch }) } }));
  if (exact) expect(await weightsOf(resumed.modelDir)).toEqual(await weightsOf(full.modelDir));
  return { refused: null, predictions: await predictWith(resumed.modelDir, dataset) };
}

const weightsOf = async (dir: string) => Buffer.from(await readFile(path.join(dir, 'weights.bin'))).toString('base64');

async function predictWith(modelDir: string, dataset: TrainDataset): Promise<number[][]> {
  const plain = await tf.loadLayersModel(fileLoadHandler(modelDir));
  plain.dispose();
  const model = await loadModelFromDir(modelDir);
  try {
    const instances = [new Array(36).fill(0.5), new Array(36).fill(0)];
    const { predictions } = await predict(model, { modelDir, ...flattenPredictInput({ instances }, dataset.inputShape), inputShape: dataset.inputShape, preprocessing: dataset.preprocessing, task: dataset.task, classNames: dataset.classNames });
    return predictions.map((p) => ('probabilities' in p ? p.probabilities : p.value));
  } finally {
    model.dispose();
  }
}
