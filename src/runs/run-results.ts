import { access } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { datasetInfoOf } from '../datasets/dataset-info.ts';
import { isUuid } from '../db/is-uuid.ts';
import type { DbTx } from '../db/prisma-client.ts';
import { AppError, notFound } from '../errors/app-error.ts';
import type { RunStatus } from '../generated/prisma/client.ts';
import { MODEL_JSON } from '../model/file-model-io.ts';
import { flattenPredictInput, type PredictInput } from '../compute/predict-inputs.ts';
import { keysetPage, type PageQuery } from '../pagination/keyset-page.ts';
import { toCheckpointDto, toEpochDto, toRunDto } from './run-dto.ts';
import { findTeamRun, findTeamRunWithDataset, listCheckpoints, listEpochs, listTeamRuns } from './runs.repository.ts';

/**
 * What a team reads about its runs: the run, its epochs and checkpoints, its trained model
 * and its predictions. Another team's run and a malformed id are both a 404, so ids reveal
 * nothing about what exists.
 */
type ResultDeps = Pick<FastifyInstance, 'db' | 'storage' | 'compute'>;

export async function teamRunOr404(db: DbTx, teamId: string, runId: string) {
  const run = isUuid(runId) ? await findTeamRun(db, teamId, runId) : null;
  if (!run) throw notFound('run');
  return run;
}

export function listRuns(db: DbTx, teamId: string, query: PageQuery & { status?: RunStatus }) {
  return keysetPage(query, (page) => listTeamRuns(db, teamId, { ...page, status: query.status }), toRunDto);
}

export async function getRun(db: DbTx, teamId: string, runId: string) {
  return toRunDto(await teamRunOr404(db, teamId, runId));
}

export async function runMetrics(db: DbTx, teamId: string, runId: string) {
  const run = await teamRunOr404(db, teamId, runId);
  return { runId: run.id, epochs: (await listEpochs(db, run.id)).map(toEpochDto) };
}

export async function runCheckpoints(db: DbTx, teamId: string, runId: string) {
  const run = await teamRunOr404(db, teamId, runId);
  return { runId: run.id, checkpoints: (await listCheckpoints(db, run.id)).map(toCheckpointDto) };
}

/** A file of the run's trained model (model.json or a weight file); 409 NO_MODEL before there is one. */
export async function runModelFile(deps: ResultDeps, teamId: string, runId: string, file: string): Promise<string> {
  const run = await teamRunOr404(deps.db, teamId, runId);
  const target = path.join(await trainedModelDir(deps, run), file);
  if (!(await exists(target))) throw notFound('model file');
  return target;
}

/** Predictions of the run's trained model, in the compute child, preprocessed as its training data was. */
export async function predictRun(deps: ResultDeps, teamId: string, runId: string, input: PredictInput) {
  const run = isUuid(runId) ? await findTeamRunWithDataset(deps.db, teamId, runId) : null;
  if (!run) throw notFound('run');
  const modelDir = await trainedModelDir(deps, run);
  const dataset = datasetInfoOf(run.dataset);
  return deps.compute.predict({ modelDir, ...flattenPredictInput(input, dataset.inputShape), ...dataset });
}

/** Where the run's trained model is; 409 NO_MODEL before it has one. */
export async function trainedModelDir(deps: Pick<ResultDeps, 'storage'>, run: { id: string; status: RunStatus }): Promise<string> {
  const dir = deps.storage.modelDir(run.id);
  if (!(await exists(path.join(dir, MODEL_JSON)))) throw new AppError('NO_MODEL', 'this run has no trained model yet', { runId: run.id, status: run.status });
  return dir;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}
