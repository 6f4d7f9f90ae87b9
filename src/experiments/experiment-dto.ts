import { z } from 'zod';
import type { Experiment, Trial, TrialState } from '../generated/prisma/client.ts';
import { spaceOf } from './experiment-view.ts';

const TRIAL_STATES = ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'] as const;
const trialCounts = z.object(Object.fromEntries(TRIAL_STATES.map((s) => [s, z.number().int()])) as Record<TrialState, z.ZodNumber>);

/** An experiment as the API answers it. */
export const experimentDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['running', 'paused', 'completed', 'canceled']),
  base: z.unknown(),
  space: z.record(z.string(), z.unknown()),
  searcher: z.looseObject({ type: z.string() }),
  metric: z.object({ name: z.string(), mode: z.string() }),
  maxTrials: z.number().int(),
  maxConcurrentTrials: z.number().int(),
  seed: z.number().int(),
  bestTrialId: z.string().nullable(),
  bestRunId: z.string().nullable(),
  bestMetric: z.number().nullable(),
  trials: trialCounts,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const experimentListSchema = z.object({ items: z.array(experimentDtoSchema) });

export const trialDtoSchema = z.object({
  id: z.string(),
  index: z.number().int(),
  runId: z.string(),
  values: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  state: z.enum(TRIAL_STATES),
  rung: z.number().int(),
  rungMetrics: z.array(z.number()),
  metric: z.number().nullable(),
  createdAt: z.string(),
});
export const trialListSchema = z.object({ experimentId: z.string(), trials: z.array(trialDtoSchema) });

export function toExperimentDto(e: Experiment, counts: Record<TrialState, number>, bestRunId: string | null): z.infer<typeof experimentDtoSchema> {
  return {
    id: e.id,
    name: e.name,
    status: e.status,
    base: e.base,
    space: spaceOf(e),
    searcher: e.searcher as { type: string },
    metric: { name: e.metricName, mode: e.metricMode },
    maxTrials: e.maxTrials,
    maxConcurrentTrials: e.maxConcurrentTrials,
    seed: e.seed,
    bestTrialId: e.bestTrialId,
    bestRunId,
    bestMetric: e.bestMetric,
    trials: counts,
    createdAt: e.createdAt.toISOString(),
    finishedAt: e.finishedAt?.toISOString() ?? null,
  };
}

export function toTrialDto(t: Trial): z.infer<typeof trialDtoSchema> {
  return {
    id: t.id,
    index: t.index,
    runId: t.runId,
    values: t.values as Record<string, number>,
    state: t.state,
    rung: t.rung,
    rungMetrics: t.rungMetrics,
    metric: t.metric,
    createdAt: t.createdAt.toISOString(),
  };
}
