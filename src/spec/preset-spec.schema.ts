import { z } from 'zod';
import { activationSchema } from './layer-spec.schema.ts';

/**
 * `model: { preset, ...options }`: a classic architecture sized to the dataset's input and
 * classes. Each preset takes only its own options (strict), so a misspelt one is a 400.
 */
const widthMultiplier = z.number().gt(0).max(4);
const dropout = z.number().min(0).lt(1);

export const linearPresetSchema = z.object({ preset: z.literal('linear') }).strict();

export const mlpPresetSchema = z
  .object({
    preset: z.literal('mlp'),
    /** Units of each hidden dense layer, in order. Default [64, 32]. */
    hiddenUnits: z.array(z.number().int().min(1).max(8192)).min(1).max(16).optional(),
    /** Activation of the hidden layers. Default relu. */
    activation: activationSchema.optional(),
    /** Dropout rate after each hidden layer; 0 or unset adds none. */
    dropout: dropout.optional(),
    /** Batch normalization after each hidden layer. Default false. */
    batchNormalization: z.boolean().optional(),
  })
  .strict();

export const lenet5PresetSchema = z
  .object({
    preset: z.literal('lenet5'),
    /** LeCun used tanh; relu trains faster. Default relu. */
    activation: activationSchema.optional(),
  })
  .strict();

export const alexnetPresetSchema = z
  .object({
    preset: z.literal('alexnet'),
    /** Scales every filter count and dense width. Default 1 (below 64×64 inputs the net is already scaled down). */
    widthMultiplier: widthMultiplier.optional(),
    /** Dropout before each of the two dense layers. Default 0.5. */
    dropout: dropout.optional(),
  })
  .strict();

export const vgg16PresetSchema = z
  .object({
    preset: z.literal('vgg16'),
    widthMultiplier: widthMultiplier.optional(),
    dropout: dropout.optional(),
    /** Batch normalization after each conv (not in the 2014 paper). Default false. */
    batchNormalization: z.boolean().optional(),
  })
  .strict();

export const resnetPresetSchema = z
  .object({
    preset: z.literal('resnet'),
    /** Residual blocks per stage. Default 2. */
    blocks: z.number().int().min(1).max(16).optional(),
    /** Filters of the first stage; each later stage doubles them and halves the spatial size. Default 16. */
    filters: z.number().int().min(1).max(512).optional(),
    /** Number of stages. Default 3, fewer when the input is too small to halve. */
    stages: z.number().int().min(1).max(5).optional(),
  })
  .strict();

export const presetSpecSchema = z.discriminatedUnion('preset', [
  linearPresetSchema,
  mlpPresetSchema,
  lenet5PresetSchema,
  alexnetPresetSchema,
  vgg16PresetSchema,
  resnetPresetSchema,
]);
export type PresetSpec = z.infer<typeof presetSpecSchema>;
export type PresetName = PresetSpec['preset'];
export type PresetOptions<P extends PresetName> = Omit<Extract<PresetSpec, { preset: P }>, 'preset'>;
