import { UnrecoverableError } from 'bullmq';
import type { Db } from '../src/db/prisma-client.ts';
import { findDataset } from '../src/datasets/datasets.repository.ts';
import { datasetInfoOf } from '../src/datasets/dataset-info.ts';
import type { Run } from '../src/generated/prisma/client.ts';
import { resolveTransferSource } from '../src/runs/transfer-source.ts';
import type { RunSpec } from '../src/spec/run-spec.schema.ts';
import type { Storage } from '../src/storage/storage.ts';
import type { TrainDataset } from '../src/training/training-job.ts';
import type { RunRecorder } from './run-recorder.ts';

/** What a run trains on, read when a worker starts it: its datasets and a transfer run's base model. */
export interface TrainInputs {
  spec: RunSpec;
  dataset: TrainDataset;
  validationDataset?: TrainDataset;
  testDataset?: TrainDataset;
  baseModelDir?: string;
}

/**
 * The run's inputs as the trainer takes them. They were checked when the run was queued and
 * cannot be deleted while it references them; one that is gone all the same fails the run
 * for good (recorded, then UnrecoverableError: no retry can bring it back).
 */
export async function resolveTrainInputs(deps: { db: Db; storage: Storage }, run: Run, recorder: RunRecorder): Promise<TrainInputs> {
  const refuse = async (code: string, message: string, reason: string): Promise<never> => {
    await recorder.fail({ code, message });
    throw new UnrecoverableError(reason);
  };
  const spec = run.spec as unknown as RunSpec;
  const dataset = await readyDataset(deps, run.datasetId);
  if (!dataset) return refuse('DATASET_UNAVAILABLE', "the run's dataset is missing or not ready", 'dataset unavailable');
  const inputs: TrainInputs = { spec, dataset };
  for (const [role, id] of [['validation', run.validationDatasetId], ['test', run.testDatasetId]] as const) {
    if (!id) continue;
    const extra = await readyDataset(deps, id);
    if (!extra) return refuse('DATASET_UNAVAILABLE', `the run's ${role} dataset is missing or not ready`, 'dataset unavailable');
    inputs[role === 'validation' ? 'validationDataset' : 'testDataset'] = extra;
  }
  if (spec.transfer) {
    const base = await resolveTransferSource(deps.db, deps.storage, run.teamId, spec.transfer).catch((err: Error) => err);
    if (base instanceof Error) return refuse('BASE_MODEL_UNAVAILABLE', `the transfer run's base model is gone: ${base.message}`, 'base model unavailable');
    inputs.baseModelDir = base.dir;
  }
  return inputs;
}

async function readyDataset(deps: { db: Db; storage: Storage }, id: string): Promise<TrainDataset | null> {
  const row = await findDataset(deps.db, id);
  return row && row.status === 'ready' ? { dir: deps.storage.datasetDir(row.id), ...datasetInfoOf(row) } : null;
}
