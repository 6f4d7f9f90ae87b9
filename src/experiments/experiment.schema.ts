import { z } from 'zod';
import { runSpecSchema } from '../spec/run-spec.schema.ts';
import { distributionSchema } from './distribution.ts';

/** Grid, random and ASHA (asynchronous successive halving, Li et al. 2018). */
export const searcherSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('grid'), points: z.number().int().min(1).max(20).default(3).describe('values per continuous range') }),
  z.strictObject({ type: z.literal('random') }),
  z
    .strictObject({
      type: z.literal('asha'),
      minEpochs: z.number().int().min(1).max(10_000),
      maxEpochs: z.number().int().min(1).max(10_000),
      reductionFactor: z.number().int().min(2).max(10).default(3),
    })
    .refine((s) => s.minEpochs <= s.maxEpochs, { message: 'minEpochs must not exceed maxEpochs', path: ['maxEpochs'] }),
]);
export type SearcherConfig = z.infer<typeof searcherSchema>;

export const metricSchema = z.strictObject({ name: z.string().min(1).max(64), mode: z.enum(['min', 'max']).default('min') });

export const createExperimentSchema = z.strictObject({
  name: z.string().min(1).max(200),
  base: runSpecSchema,
  space: z.record(z.string().min(1).max(200), distributionSchema).refine((s) => Object.keys(s).length >= 1 && Object.keys(s).length <= 20, 'space names 1 to 20 paths'),
  searcher: searcherSchema,
  metric: metricSchema.default({ name: 'val_loss', mode: 'min' }),
  maxTrials: z.number().int().min(1).max(1000),
  maxConcurrentTrials: z.number().int().min(1).max(100).default(2),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
});
export type CreateExperimentBody = z.infer<typeof createExperimentSchema>;

export const extendExperimentSchema = z
  .strictObject({ maxTrials: z.number().int().min(1).max(1000).optional(), maxEpochs: z.number().int().min(1).max(10_000).optional() })
  .refine((b) => b.maxTrials !== undefined || b.maxEpochs !== undefined, 'give maxTrials or maxEpochs');
