import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import type { Experiment } from '../generated/prisma/client.ts';
import type { PredictInput } from '../compute/predict-inputs.ts';
import { predictRun, runModelFile } from '../runs/run-results.ts';
import { toExperimentDto, toTrialDto } from './experiment-dto.ts';
import { countTrialsByState, findTrial, listTeamExperiments, listTrials } from './experiments.repository.ts';
import { teamExperimentOr404 } from './experiments.service.ts';

type ResultDeps = Pick<FastifyInstance, 'db' | 'storage' | 'compute'>;

export async function experimentDto(deps: Pick<ResultDeps, 'db'>, e: Experiment) {
  const best = e.bestTrialId ? await findTrial(deps.db, e.bestTrialId) : null;
  return toExperimentDto(e, await countTrialsByState(deps.db, e.id), best?.runId ?? null);
}

export async function getExperiment(deps: Pick<ResultDeps, 'db'>, teamId: string, id: string) {
  return experimentDto(deps, await teamExperimentOr404(deps, teamId, id));
}

export async function listExperiments(deps: Pick<ResultDeps, 'db'>, teamId: string) {
  const rows = await listTeamExperiments(deps.db, teamId);
  return { items: await Promise.all(rows.map((e) => experimentDto(deps, e))) };
}

export async function experimentTrials(deps: Pick<ResultDeps, 'db'>, teamId: string, id: string) {
  const e = await teamExperimentOr404(deps, teamId, id);
  return { experimentId: e.id, trials: (await listTrials(deps.db, e.id)).map(toTrialDto) };
}

/** The best trial's run; 409 NO_MODEL while no trial has finished. */
async function bestRunId(deps: Pick<ResultDeps, 'db'>, teamId: string, id: string): Promise<string> {
  const e = await teamExperimentOr404(deps, teamId, id);
  const best = e.bestTrialId ? await findTrial(deps.db, e.bestTrialId) : null;
  if (!best) throw new AppError('NO_MODEL', 'no trial of this experiment has finished yet', { experimentId: e.id, status: e.status });
  return best.runId;
}

/** A file of the best trial's model, served exactly as the run's (the same code). */
export async function bestModelFile(deps: ResultDeps, teamId: string, id: string, file: string) {
  return runModelFile(deps, teamId, await bestRunId(deps, teamId, id), file);
}

export async function predictBest(deps: ResultDeps, teamId: string, id: string, input: PredictInput) {
  return predictRun(deps, teamId, await bestRunId(deps, teamId, id), input);
}
