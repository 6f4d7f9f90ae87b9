import type { FastifyInstance } from 'fastify';
import { datasetInfoOf } from '../datasets/dataset-info.ts';
import { matchingTeamDataset } from './matching-dataset.ts';
import { findDatasetOrThrow } from '../datasets/datasets.repository.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import { teamRunOr404, trainedModelDir } from './run-results.ts';

type Deps = Pick<FastifyInstance, 'db' | 'storage' | 'compute'>;

/**
 * POST /v1/runs/:id/evaluate: the run's final model on one of the team's datasets shaped
 * like its training data, computed in the compute child (off the API's event loop).
 * 404 for another team's run or dataset, 409 NO_MODEL before the run has a model,
 * 400 DATASET_MISMATCH for a dataset of another shape.
 */
export async function evaluateRun(deps: Deps, teamId: string, runId: string, datasetId: string) {
  const run = await teamRunOr404(deps.db, teamId, runId);
  const modelDir = await trainedModelDir(deps, run);
  const training = await findDatasetOrThrow(deps.db, run.datasetId);
  const dataset = await matchingTeamDataset(deps.db, teamId, datasetId, training, ['datasetId']);
  const spec = run.spec as unknown as RunSpec;
  const result = await deps.compute.evaluate({
    modelDir,
    datasetDir: deps.storage.datasetDir(dataset.id),
    dataset: datasetInfoOf(dataset),
    trainingPreprocessing: datasetInfoOf(training).preprocessing,
    loss: spec.compile.loss,
    metrics: spec.compile.metrics,
  });
  return { runId: run.id, datasetId: dataset.id, ...result };
}
