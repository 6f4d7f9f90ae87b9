import { findTeamDataset } from '../datasets/datasets.repository.ts';
import type { DbTx } from '../db/prisma-client.ts';
import { AppError } from '../errors/app-error.ts';
import type { Dataset } from '../generated/prisma/client.ts';
import { datasetMismatch } from '../spec/dataset-checks.ts';

/**
 * A team dataset that may be evaluated against `training`: 404 when it is not the team's,
 * 409 while not ready, 400 DATASET_MISMATCH naming what differs.
 */
export async function matchingTeamDataset(db: DbTx, teamId: string, datasetId: string, training: Dataset, path: (string | number)[]): Promise<Dataset> {
  const dataset = await findTeamDataset(db, teamId, datasetId);
  if (!dataset) throw new AppError('NOT_FOUND', 'dataset not found', { datasetId, path });
  if (dataset.status !== 'ready') {
    throw new AppError('DATASET_NOT_READY', `dataset is ${dataset.status}, not ready`, { datasetId, status: dataset.status, path });
  }
  const diffs = datasetMismatch(dataset, training);
  if (diffs) {
    const what = Object.keys(diffs).join(', ');
    throw new AppError('DATASET_MISMATCH', `dataset ${datasetId} does not match the training dataset ${training.id}: its ${what} differ`, { datasetId, path, differences: diffs });
  }
  return dataset;
}

