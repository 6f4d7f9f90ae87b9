import { z } from 'zod';
import { compileSpecSchema } from '../model/compile-spec.schema.ts';
import { modelSpecSchema } from '../model/layer-spec.schema.ts';

/** `fit` of a run spec: Keras's `model.fit` arguments that make sense for a queued run. */
export const fitSpecSchema = z
  .object({
    epochs: z.number().int().min(1).max(10_000),
    batchSize: z.number().int().min(1).max(8192).default(32),
    /** Fraction held out for validation: the last part of the data, as Keras does (after a seeded shuffle when `seed` is set). */
    validationSplit: z.number().min(0).lt(1).default(0),
    /** Shuffle the training samples every epoch. */
    shuffle: z.boolean().default(true),
    /** Makes shuffling and weight initialisation reproducible. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  })
  .strict();
export type FitSpec = z.infer<typeof fitSpecSchema>;

/**
 * The body of POST /v1/runs. Strict at every level, so a misspelt key (`learningrate`)
 * is a 400 naming its path instead of a silently ignored setting.
 */
export const runSpecSchema = z
  .object({
    datasetId: z.string().uuid(),
    model: modelSpecSchema,
    compile: compileSpecSchema,
    fit: fitSpecSchema,
    /** Higher runs sooner; 0..100. */
    priority: z.number().int().min(0).max(100).default(50),
  })
  .strict();
export type RunSpec = z.infer<typeof runSpecSchema>;
/** The spec as a client sends it, defaults not yet applied. */
export type RunSpecInput = z.input<typeof runSpecSchema>;
