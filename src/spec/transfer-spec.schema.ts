import { z } from 'zod';
import { layerSpecSchema } from './layer-spec.schema.ts';

/** A layer of the base model: its index in the base's summary (`GET /v1/models/:id`, or the source run's `modelSummary`), or its name. */
export const layerRefSchema = z.union([z.number().int().min(0).max(100_000), z.string().min(1).max(200)]);
export type LayerRef = z.infer<typeof layerRefSchema>;

export const transferPhaseSchema = z
  .object({
    epochs: z.number().int().min(1).max(10_000),
    /** This phase's learning rate (a new optimizer of `compile.optimizer`'s type); default: the one in `compile`. */
    learningRate: z.number().gt(0).max(10).optional(),
    /**
     * Fine-tuning: from this base layer (inclusive) to the top of the base, layers become
     * trainable when the phase starts; the layers below stay frozen. Without it the phase
     * keeps the previous phase's frozen layers.
     */
    unfreezeFrom: layerRefSchema.optional(),
  })
  .strict();

/**
 * `transfer` of a run spec: start from another model instead of `model`. The base is one
 * source, exactly: `runId` (a finished run's final model), `checkpointId` (one of the
 * team's checkpoints) or `modelId` (an uploaded model, POST /v1/models). The run's model is
 * the base with its last `popLayers` layers dropped and the `replaceHead` layers appended
 * (a sequential head). `freezeUpTo` freezes the base's layers up to and including that one
 * (default: the whole base); head layers always train. Each phase trains its epochs with a
 * fresh optimizer (tfjs re-compiles when trainable layers change): phase 1 is feature
 * extraction, a later phase with `unfreezeFrom` fine-tunes the top of the base.
 */
export const transferSpecSchema = z
  .object({
    runId: z.string().uuid().optional(),
    checkpointId: z.string().uuid().optional(),
    modelId: z.string().uuid().optional(),
    /** How many of the base's last layers to drop (its old classifier) before the head is appended. */
    popLayers: z.number().int().min(0).max(10_000).default(0),
    /** Layers appended after the (popped) base, in order; no `inputs` (the head is sequential). */
    replaceHead: z.array(layerSpecSchema).max(64).default([]),
    freezeUpTo: layerRefSchema.optional(),
    phases: z.array(transferPhaseSchema).min(1).max(10),
  })
  .strict()
  .superRefine((t, ctx) => {
    const sources = (['runId', 'checkpointId', 'modelId'] as const).filter((k) => t[k] !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({ code: 'custom', path: sources.length > 1 ? [sources[1]] : [], message: 'give exactly one of runId, checkpointId or modelId as the base' });
    }
    t.replaceHead.forEach((layer, i) => {
      if ('inputs' in layer && layer.inputs !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['replaceHead', i, 'inputs'], message: 'head layers take the previous layer; `inputs` is not supported in replaceHead' });
      }
    });
  });
export type TransferSpec = z.infer<typeof transferSpecSchema>;

/** The run's epoch count with transfer: the phases' epochs added up. */
export const transferEpochs = (t: Pick<TransferSpec, 'phases'>) => t.phases.reduce((n, p) => n + p.epochs, 0);
