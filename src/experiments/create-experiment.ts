import { randomInt } from 'node:crypto';
import { AppError } from '../errors/app-error.ts';
import { findTeamQuota } from '../quotas/quotas.repository.ts';
import { validateSubmission, type SubmitDeps } from '../runs/submit-run.ts';
import { reportedMetrics } from '../spec/dataset-checks.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import { extremeValues, gridValues, type TrialValues } from './distribution.ts';
import type { CreateExperimentBody } from './experiment.schema.ts';
import { createExperiment } from './experiments.repository.ts';
import { searcherCapacity, trialValuesAt } from './searcher.ts';
import { parseSpacePath } from './space-path.ts';
import { trialSpec } from './trial-spec.ts';

/** Specs proven before an experiment is accepted; past this, a grid is checked on a sample of its points. */
const MAX_PROBES = 24;

/**
 * Accepts an experiment only when every spec its space can produce is valid: each path
 * parses and exists, and the specs at the ends of every range (every grid point, for a small
 * grid) pass exactly the checks of POST /v1/runs, model build included. Nothing is written
 * before all pass. The driver creates the trials.
 */
export async function submitExperiment(deps: SubmitDeps, teamId: string, body: CreateExperimentBody) {
  for (const path of Object.keys(body.space)) parseSpacePath(path);
  if (body.searcher.type === 'grid') for (const [path, d] of Object.entries(body.space)) withPath(path, () => gridValues(d, (body.searcher as { points: number }).points));
  await assertWithinQuota(deps, teamId, body.maxConcurrentTrials);
  const seed = body.seed ?? randomInt(2 ** 31 - 1);
  for (const [i, values] of probeValues(body, seed).entries()) {
    const spec = trialSpec(body.base, values, body.searcher, seed, i);
    assertMetricReported(spec, body.metric.name);
    await validateSubmission(deps, teamId, spec).catch((err: unknown) => {
      if (!(err instanceof AppError) || err.statusCode !== 400 || err.code === 'INVALID_SPACE') throw err;
      throw new AppError('INVALID_SPACE', `the space gives an invalid run spec at ${JSON.stringify(values)}: ${err.message}`, { values, cause: { code: err.code, details: err.details } });
    });
  }
  return createExperiment(deps.db, {
    teamId,
    name: body.name,
    base: body.base as object,
    // An array, not an object: jsonb reorders object keys, and the order of the paths decides
    // the grid's order and which random draw each path gets.
    space: Object.entries(body.space).map(([path, distribution]) => ({ path, distribution })) as object,
    searcher: body.searcher as object,
    metricName: body.metric.name,
    metricMode: body.metric.mode,
    maxTrials: Math.min(body.maxTrials, searcherCapacity(body.space, body.searcher)),
    maxConcurrentTrials: body.maxConcurrentTrials,
    seed,
  });
}

function withPath<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AppError && err.code === 'INVALID_SPACE') throw new AppError('INVALID_SPACE', `space path ${path}: ${err.message}`, { path });
    throw err;
  }
}

/** The searched metric must be one every epoch reports, or no trial could ever be ranked. */
function assertMetricReported(spec: RunSpec, metric: string) {
  const available = reportedMetrics(spec);
  if (!available.includes(metric)) {
    const hint = metric.startsWith('val_') ? ' (val_ metrics need fit.validationSplit or fit.validationDatasetId)' : '';
    throw new AppError('VALIDATION_FAILED', `metric.name "${metric}" is not reported by the trials${hint}; they report ${available.join(', ')}`, { path: ['metric', 'name'], available });
  }
}

/** Trials are runs under the team's queued-runs limit: more at once than it allows could never all queue. */
async function assertWithinQuota(deps: SubmitDeps, teamId: string, concurrent: number) {
  const quota = await findTeamQuota(deps.db, teamId);
  if (quota?.maxQueuedRuns != null && concurrent > quota.maxQueuedRuns) {
    throw new AppError('TRIALS_OVER_QUOTA', `maxConcurrentTrials ${concurrent} is over the team's limit of ${quota.maxQueuedRuns} queued runs`, {
      path: 'maxConcurrentTrials',
      limit: quota.maxQueuedRuns,
    });
  }
}

/** The grid's points (sampled evenly when large), or the base point plus each range end of each path. */
function probeValues(body: CreateExperimentBody, seed: number): TrialValues[] {
  const capacity = Math.min(body.maxTrials, searcherCapacity(body.space, body.searcher));
  if (body.searcher.type === 'grid') {
    const stride = Math.max(1, Math.ceil(capacity / MAX_PROBES));
    const out: TrialValues[] = [];
    for (let i = 0; i < capacity; i += stride) out.push(trialValuesAt(body.space, body.searcher, seed, i)!);
    return out;
  }
  const first = Object.fromEntries(Object.entries(body.space).map(([p, d]) => [p, extremeValues(d)[0]!]));
  const out: TrialValues[] = [first];
  for (const [path, d] of Object.entries(body.space)) for (const v of extremeValues(d).slice(1)) out.push({ ...first, [path]: v });
  return out.slice(0, MAX_PROBES);
}
