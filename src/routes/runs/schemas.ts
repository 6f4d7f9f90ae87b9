import { z } from 'zod';
import { pageQuerySchema } from '../../pagination/keyset-page.ts';
import { isNestedFiniteNumbers } from '../../compute/predict-inputs.ts';

export const runParams = z.object({ id: z.string() });

export const listRunsQuery = pageQuerySchema.extend({
  status: z.enum(['queued', 'running', 'paused', 'completed', 'failed', 'canceled']).optional(),
});

/** Weight files are named by us (`weights.bin`, shards `group1-shard1of2.bin`); anything else is refused. */
export const modelFileParams = z.object({ id: z.string(), file: z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.bin$/) });

/**
 * POST /v1/runs/:id/predict takes either `instances` (at most 1,000, each nested arrays of
 * numbers shaped like one input, or flat) or one `tensor`: base64 of raw little-endian
 * float32 or uint8 values shaped [count, ...inputShape] (up to 10,000 instances), which costs
 * a client and the API no per-number work. The nested form is checked by one loop per
 * instance, not by a schema tree per number (which cost hundreds of ms for 100 images).
 */
const instance = z.custom<unknown>(isNestedFiniteNumbers, { message: 'each instance must hold only finite numbers (nested arrays allowed)' });
const tensorInput = z
  .object({
    dtype: z.enum(['float32', 'uint8']),
    shape: z.array(z.number().int().min(1).max(1_000_000)).min(1).max(8).refine((shape) => shape[0] <= 10_000, 'at most 10,000 instances per call'),
    data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
  })
  .strict();
export const predictBody = z.union([z.object({ instances: z.array(instance).min(1).max(1000) }).strict(), z.object({ tensor: tensorInput }).strict()]);

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
