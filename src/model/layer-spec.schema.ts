import { z } from 'zod';

/**
 * One layer of a sequential model, in tfjs's (Keras's) names and options, camelCase.
 * A discriminated union on `type`, so new layers (add, concatenate, graphs with `inputs`)
 * slot in as new members without touching the existing ones.
 *
 * Bounds are sanity limits, not tuning advice: they stop a typo (units: 1e9) from
 * allocating gigabytes when the API builds the model to check its shapes.
 */
export const ACTIVATIONS = ['relu', 'sigmoid', 'softmax', 'tanh', 'linear', 'elu', 'selu', 'softplus', 'relu6'] as const;
export const activationSchema = z.enum(ACTIVATIONS);
export type Activation = z.infer<typeof activationSchema>;

const MAX_KERNEL = 64;
const MAX_STRIDE = 64;

const layerName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must start with a letter and use only letters, digits, _ . - (at most 64 characters)');

/** An int, or [height, width] for the 2-D layers. */
const size2d = (max: number) => z.union([z.number().int().min(1).max(max), z.tuple([z.number().int().min(1).max(max), z.number().int().min(1).max(max)])]);
const padding = z.enum(['valid', 'same']);

const regularizer = z
  .object({ l1: z.number().min(0).max(10).optional(), l2: z.number().min(0).max(10).optional() })
  .strict();

const base = { name: layerName.optional() };

export const denseLayerSchema = z
  .object({
    ...base,
    type: z.literal('dense'),
    units: z.number().int().min(1).max(65536),
    activation: activationSchema.optional(),
    useBias: z.boolean().optional(),
    kernelRegularizer: regularizer.optional(),
  })
  .strict();

export const conv2dLayerSchema = z
  .object({
    ...base,
    type: z.literal('conv2d'),
    filters: z.number().int().min(1).max(4096),
    kernelSize: size2d(MAX_KERNEL),
    strides: size2d(MAX_STRIDE).optional(),
    padding: padding.optional(),
    activation: activationSchema.optional(),
    dilationRate: size2d(MAX_KERNEL).optional(),
    useBias: z.boolean().optional(),
    kernelRegularizer: regularizer.optional(),
  })
  .strict();

const pooling2d = <T extends string>(type: T) =>
  z
    .object({
      ...base,
      type: z.literal(type),
      /** Default [2, 2]. */
      poolSize: size2d(MAX_KERNEL).optional(),
      /** Default: the pool size (non-overlapping windows). */
      strides: size2d(MAX_STRIDE).optional(),
      padding: padding.optional(),
    })
    .strict();

export const maxPooling2dLayerSchema = pooling2d('maxPooling2d');
export const averagePooling2dLayerSchema = pooling2d('averagePooling2d');
export const globalAveragePooling2dLayerSchema = z.object({ ...base, type: z.literal('globalAveragePooling2d') }).strict();
export const globalMaxPooling2dLayerSchema = z.object({ ...base, type: z.literal('globalMaxPooling2d') }).strict();
export const flattenLayerSchema = z.object({ ...base, type: z.literal('flatten') }).strict();

export const dropoutLayerSchema = z
  .object({ ...base, type: z.literal('dropout'), rate: z.number().min(0).lt(1) })
  .strict();

export const batchNormalizationLayerSchema = z
  .object({
    ...base,
    type: z.literal('batchNormalization'),
    momentum: z.number().min(0).max(1).optional(),
    epsilon: z.number().gt(0).max(1).optional(),
  })
  .strict();

export const activationLayerSchema = z.object({ ...base, type: z.literal('activation'), activation: activationSchema }).strict();

export const reshapeLayerSchema = z
  .object({
    ...base,
    type: z.literal('reshape'),
    /** Output shape without the batch axis; the element count must match the input's. */
    targetShape: z.array(z.number().int().min(1).max(1 << 24)).min(1).max(4),
  })
  .strict();

export const zeroPadding2dLayerSchema = z
  .object({
    ...base,
    type: z.literal('zeroPadding2d'),
    /** int (all sides), [rows, cols] (symmetric), or [[top, bottom], [left, right]]. Default 1. */
    padding: z
      .union([
        z.number().int().min(0).max(MAX_KERNEL),
        z.tuple([z.number().int().min(0).max(MAX_KERNEL), z.number().int().min(0).max(MAX_KERNEL)]),
        z.tuple([
          z.tuple([z.number().int().min(0).max(MAX_KERNEL), z.number().int().min(0).max(MAX_KERNEL)]),
          z.tuple([z.number().int().min(0).max(MAX_KERNEL), z.number().int().min(0).max(MAX_KERNEL)]),
        ]),
      ])
      .optional(),
  })
  .strict();

export const layerSpecSchema = z.discriminatedUnion('type', [
  denseLayerSchema,
  conv2dLayerSchema,
  maxPooling2dLayerSchema,
  averagePooling2dLayerSchema,
  globalAveragePooling2dLayerSchema,
  globalMaxPooling2dLayerSchema,
  flattenLayerSchema,
  dropoutLayerSchema,
  batchNormalizationLayerSchema,
  activationLayerSchema,
  reshapeLayerSchema,
  zeroPadding2dLayerSchema,
]);
export type LayerSpec = z.infer<typeof layerSpecSchema>;
export type LayerType = LayerSpec['type'];

export const modelSpecSchema = z
  .object({ layers: z.array(layerSpecSchema).min(1).max(512) })
  .strict()
  .superRefine((model, ctx) => {
    // tfjs refuses duplicate names only when the model is assembled; say which layer here.
    const seen = new Map<string, number>();
    model.layers.forEach((layer, i) => {
      if (layer.name === undefined) return;
      const first = seen.get(layer.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['layers', i, 'name'], message: `duplicate layer name "${layer.name}" (also layer ${first})` });
      } else seen.set(layer.name, i);
    });
  });
export type ModelSpec = z.infer<typeof modelSpecSchema>;
