import { z } from 'zod';
import { compileSpecSchema } from './compile-spec.schema.ts';
import { modelSpecSchema } from './model-spec.schema.ts';
import { callbacksSpecSchema } from './callbacks-spec.schema.ts';
import { augmentationSpecSchema } from './augmentation-spec.schema.ts';
import { transferEpochs, transferSpecSchema } from './transfer-spec.schema.ts';

/** `fit` of a run spec: Keras's `model.fit` arguments that make sense for a queued run. */
export const fitSpecSchema = z
  .object({
    epochs: z.number().int().min(1).max(10_000),
    batchSize: z.number().int().min(1).max(8192).default(32),
    /**
     * Fraction held out for validation: the last part of the data left after the test split,
     * as Keras does, but after a shuffle by the run's seed (every run has one, see submitRun).
     */
    validationSplit: z.number().min(0).lt(1).default(0),
    /** A separate dataset of the team to validate on each epoch, instead of validationSplit. */
    validationDatasetId: z.string().uuid().optional(),
    /** Fraction held out first (after the seeded shuffle), never trained on, evaluated once at the end. */
    testSplit: z.number().min(0).lt(1).default(0),
    /** A separate dataset of the team to evaluate at the end, instead of testSplit. */
    testDatasetId: z.string().uuid().optional(),
    /**
     * Loss weight per class index (classification only; unlisted classes weigh 1), or
     * `balanced`: n / (numClasses × count of the class) over the training samples.
     */
    classWeight: z.union([z.literal('balanced'), z.record(z.string().regex(/^\d{1,5}$/, 'a class index'), z.number().positive().max(1e6))]).optional(),
    /** Shuffle the training samples every epoch. */
    shuffle: z.boolean().default(true),
    /** Makes shuffling, the splits and weight initialisation reproducible; a random one is stored when absent. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  })
  .strict()
  .superRefine((fit, ctx) => {
    if (fit.validationSplit > 0 && fit.validationDatasetId) {
      ctx.addIssue({ code: 'custom', path: ['validationDatasetId'], message: 'give validationSplit or validationDatasetId, not both' });
    }
    if (fit.testSplit > 0 && fit.testDatasetId) {
      ctx.addIssue({ code: 'custom', path: ['testDatasetId'], message: 'give testSplit or testDatasetId, not both' });
    }
    if (fit.validationSplit + fit.testSplit >= 1) {
      ctx.addIssue({ code: 'custom', path: ['testSplit'], message: 'validationSplit + testSplit must leave samples to train on (sum below 1)' });
    }
  });

/**
 * The body of POST /v1/runs. Strict at every level, so a misspelt key (`learningrate`)
 * is a 400 naming its path instead of a silently ignored setting.
 */
export const runSpecSchema = z
  .object({
    datasetId: z.string().uuid(),
    /** The model to train; a transfer run gives `transfer` instead. */
    model: modelSpecSchema.optional(),
    compile: compileSpecSchema,
    fit: fitSpecSchema,
    /** Early stopping, checkpoint policy, reduce-LR-on-plateau, a learning-rate schedule (see callbacks-spec.schema.ts). */
    callbacks: callbacksSpecSchema.optional(),
    /** Random image transforms applied to training batches on the fly (see augmentation-spec.schema.ts); image datasets only. */
    augmentation: augmentationSpecSchema.optional(),
    /** Start from another run's model, a checkpoint or an uploaded model, in phases (see transfer-spec.schema.ts). */
    transfer: transferSpecSchema.optional(),
    /** Higher runs sooner; 0..100. */
    priority: z.number().int().min(0).max(100).default(50),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if ((spec.model === undefined) === (spec.transfer === undefined)) {
      ctx.addIssue({ code: 'custom', path: spec.model ? ['transfer'] : ['model'], message: 'give either model or transfer (a transfer run builds its model from the base)' });
    }
    if (spec.transfer && spec.fit.epochs !== transferEpochs(spec.transfer)) {
      ctx.addIssue({ code: 'custom', path: ['fit', 'epochs'], message: `with transfer, fit.epochs is the phases' epochs added up: ${transferEpochs(spec.transfer)}` });
    }
  });
export type RunSpec = z.infer<typeof runSpecSchema>;
/** The spec as a client sends it, defaults not yet applied. */
export type RunSpecInput = z.input<typeof runSpecSchema>;
