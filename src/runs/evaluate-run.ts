import { access } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AppError, notFound } from '../errors/app-error.ts';
import { MODEL_JSON } from '../model/file-model-io.ts';
import { datasetInfoOf } from '../datasets/dataset-info.ts';
import { matchingTeamDataset } from '../spec/dataset-checks.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import { findTeamRun } from './runs.repository.ts';

type Deps = Pick<FastifyInstance, 'db' | 'storage' | 'compute'>;

/**
 * POST /v1/runs/:id/evaluate: the run's final model on one of the team's datasets shaped
 * like its training data, computed in the compute child (off the API's event loop).
 * 404 for another team's run or dataset, 409 NO_MODEL before the run has a model,
 * 400 DATASET_MISMATCH for a dataset of another shape.
 */
export async function evaluateRun(deps: Deps, teamId: string, runId: string, datasetId: string) {
  const run = await findTeamRun(deps.db, teamId, runId);
  if (!run) throw notFound('run');
  const modelDir = deps.storage.modelDir(run.id);
  if (!(await access(path.join(modelDir, MODEL_JSON)).then(() => true, () => false))) {
    throw new AppError('NO_MODEL', 'this run has no trained model yet', { runId, status: run.status });
  }
  const training = await deps.db.dataset.findUniqueOrThrow({ where: { id: run.datasetId } });
  const dataset = await matchingTeamDataset(deps.db, teamId, datasetId, training, ['datasetId']);
  const spec = run.spec as unknown as RunSpec;
  const result = await deps.compute.evaluate({
    modelDir,
    datasetDir: deps.storage.datasetDir(dataset.id),
    dataset: datasetInfoOf(dataset),
    trainingPreprocessing: datasetInfoOf(training).preprocessing,
    loss: spec.compile.loss,
    metrics: spec.compile.metrics,
    batchSize: spec.fit.batchSize,
  });
  return { runId: run.id, datasetId: dataset.id, ...result };
}
