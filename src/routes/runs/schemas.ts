import { z } from 'zod';
import { pageQuerySchema } from '../../pagination/keyset-page.ts';

export const runParams = z.object({ id: z.string() });

export const listRunsQuery = pageQuerySchema.extend({
  status: z.enum(['queued', 'running', 'paused', 'completed', 'failed', 'canceled']).optional(),
});

/** Weight files are named by us (`weights.bin`, shards `group1-shard1of2.bin`); anything else is refused. */
export const modelFileParams = z.object({ id: z.string(), file: z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.bin$/) });

/** Instances are nested arrays of numbers shaped like one input (or flat); at most 1,000 per call. */
const nestedNumbers: z.ZodType<unknown> = z.lazy(() => z.union([z.number().finite(), z.array(nestedNumbers)]));
export const predictBody = z.object({ instances: z.array(nestedNumbers).min(1).max(1000) }).strict();

/** POST /v1/runs/:id/evaluate: one of the team's datasets, shaped like the run's training data. */
export const evaluateBody = z.object({ datasetId: z.string().uuid() }).strict();

const probabilities = z.array(z.number());
/** POST /v1/runs/:id/predict: one prediction per instance, shaped by the dataset's task. */
export const predictResponse = z.object({
  predictions: z.array(
    z.union([
      z.object({ probabilities, classIndex: z.number().int(), className: z.string() }),
      z.object({ probabilities, labels: z.array(z.string()) }),
      z.object({ value: z.array(z.number()) }),
    ]),
  ),
});

export const evaluateResponse = z.object({
  runId: z.string(),
  datasetId: z.string(),
  metrics: z.record(z.string(), z.number()),
  numSamples: z.number().int(),
  confusionMatrix: z.object({ classNames: z.array(z.string()), matrix: z.array(z.array(z.number())) }).optional(),
});
