import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { findTeamDataset } from '../datasets/datasets.repository.ts';
import { datasetInfoOf } from '../datasets/dataset-info.ts';
import { inTransaction } from '../db/transaction.ts';
import { AppError } from '../errors/app-error.ts';
import type { Dataset } from '../generated/prisma/client.ts';
import { checkSpecAgainstDataset } from '../spec/dataset-checks.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import { matchingTeamDataset } from './matching-dataset.ts';
import { insertQueuedRun } from './run-state-machine.ts';
import { resolveTransferSource, type TransferSource } from './transfer-source.ts';

export type SubmitDeps = Pick<FastifyInstance, 'db' | 'compute' | 'redis' | 'quotas' | 'storage'> & { redisPrefix: string };

/** What a submitted spec names, each checked to be the team's and to fit the training data. */
interface SubmitInputs {
  dataset: Dataset;
  validationDataset: Dataset | null;
  testDataset: Dataset | null;
  base: TransferSource | null;
}

/**
 * Everything of a submit but queueing the job: the spec gets its seed, its datasets and base
 * model are checked, its model is built once in the compute child, then the run row and its
 * `queued` event commit together under the team's queued-runs quota. Returns the row.
 */
export async function createQueuedRun(deps: SubmitDeps, teamId: string, submitted: RunSpec, tag: { id?: string; experimentId?: string } = {}) {
  const { spec, inputs, summary } = await validateSubmission(deps, teamId, submitted);
  return inTransaction(deps.db, async (tx) => {
    // Locks the team row: concurrent submits of one team cannot both slip under maxQueuedRuns.
    await deps.quotas.assertCanQueueRun(tx, teamId);
    return insertQueuedRun(deps, tx, {
      ...tag,
      teamId,
      datasetId: inputs.dataset.id,
      validationDatasetId: inputs.validationDataset?.id ?? null,
      testDatasetId: inputs.testDataset?.id ?? null,
      baseModelId: inputs.base?.baseModelId ?? null,
      spec: spec as object,
      priority: spec.priority,
      totalEpochs: spec.fit.epochs,
      modelSummary: summary as object,
    });
  });
}

/**
 * The checks of a submit without writing anything: datasets and base model are the team's and
 * fit, and the model builds in the compute child. Experiments run it on sampled specs.
 */
export async function validateSubmission(deps: SubmitDeps, teamId: string, submitted: RunSpec) {
  // Every run gets a seed, the user's or a random one, stored with its spec: its initial
  // weights and shuffles then repeat exactly, and a resumed run sees its data in the order
  // it would have seen without the interruption.
  const spec: RunSpec = { ...submitted, fit: { ...submitted.fit, seed: submitted.fit.seed ?? randomInt(2 ** 31 - 1) } };
  const inputs = await resolveSubmitInputs(deps, teamId, spec);
  const summary = inputs.base
    ? await deps.compute.validateTransferRunSpec(spec, datasetInfoOf(inputs.dataset), inputs.base.dir)
    : await deps.compute.validateRunSpec(spec, datasetInfoOf(inputs.dataset));
  return { spec, inputs, summary };
}

async function resolveSubmitInputs(deps: SubmitDeps, teamId: string, spec: RunSpec): Promise<SubmitInputs> {
  const dataset = await findTeamDataset(deps.db, teamId, spec.datasetId);
  if (!dataset) throw new AppError('NOT_FOUND', 'dataset not found', { datasetId: spec.datasetId });
  if (dataset.status !== 'ready') {
    throw new AppError('DATASET_NOT_READY', `dataset is ${dataset.status}, not ready`, { datasetId: dataset.id, status: dataset.status });
  }
  checkSpecAgainstDataset(spec, dataset);
  // Separate validation / test datasets: the team's, ready, and shaped like the training data.
  const { validationDatasetId, testDatasetId } = spec.fit;
  const validationDataset = validationDatasetId ? await matchingTeamDataset(deps.db, teamId, validationDatasetId, dataset, ['fit', 'validationDatasetId']) : null;
  const testDataset = testDatasetId ? await matchingTeamDataset(deps.db, teamId, testDatasetId, dataset, ['fit', 'testDatasetId']) : null;
  // A transfer run's base: the team's run, checkpoint or uploaded model (another team's id is a 404).
  const base = spec.transfer ? await resolveTransferSource(deps.db, deps.storage, teamId, spec.transfer) : null;
  return { dataset, validationDataset, testDataset, base };
}
