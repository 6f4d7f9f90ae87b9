import { z } from 'zod';
import { pageCursorSchema } from '../../pagination/page-cursor.ts';

export const runParams = z.object({ id: z.string() });

export const listRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: pageCursorSchema.optional(),
  status: z.enum(['queued', 'running', 'paused', 'completed', 'failed', 'canceled']).optional(),
});

/** Weight files are named by us (`weights.bin`, shards `group1-shard1of2.bin`); anything else is refused. */
export const modelFileParams = z.object({ id: z.string(), file: z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.bin$/) });

/** Instances are nested arrays of numbers shaped like one input (or flat); at most 1,000 per call. */
const nestedNumbers: z.ZodType<unknown> = z.lazy(() => z.union([z.number().finite(), z.array(nestedNumbers)]));
export const predictBody = z.object({ instances: z.array(nestedNumbers).min(1).max(1000) }).strict();

/** POST /v1/runs/:id/evaluate: one of the team's datasets, shaped like the run's training data. */
export const evaluateBody = z.object({ datasetId: z.string().uuid() }).strict();
