import type { Db } from '../src/db/prisma-client.ts';
import type { Run } from '../src/generated/prisma/client.ts';
import { datasetInfoOf } from '../src/datasets/dataset-info.ts';
import type { Storage } from '../src/storage/storage.ts';
import type { TrainDataset } from '../src/training/training-job.ts';

/**
 * The run's separate validation and test datasets (fit.validationDatasetId / testDatasetId),
 * as the trainer takes them. They were checked when the run was queued and cannot be deleted
 * while it references them; a string says which one is no longer usable.
 */
export async function extraDatasetsOf(
  deps: { db: Db; storage: Storage },
  run: Pick<Run, 'validationDatasetId' | 'testDatasetId'>,
): Promise<{ validationDataset?: TrainDataset; testDataset?: TrainDataset } | string> {
  const out: { validationDataset?: TrainDataset; testDataset?: TrainDataset } = {};
  for (const [role, id] of [['validation', run.validationDatasetId], ['test', run.testDatasetId]] as const) {
    if (!id) continue;
    const row = await deps.db.dataset.findUnique({ where: { id } });
    if (!row || row.status !== 'ready') return `the run's ${role} dataset is missing or not ready`;
    out[role === 'validation' ? 'validationDataset' : 'testDataset'] = { dir: deps.storage.datasetDir(row.id), ...datasetInfoOf(row) };
  }
  return out;
}
