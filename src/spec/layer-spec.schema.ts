import { z } from 'zod';

/**
 * One layer of a model, in tfjs's (Keras's) names and options, camelCase. A discriminated
 * union on `type`. A layer may carry `name` and `inputs` (names of earlier layers, `input`
 * being the dataset's input); without `inputs` it takes the previous layer, so a plain list
 * is a sequential model and named `inputs` make a graph (residual `add`, `concatenate`).
 *
 * Bounds are sanity limits, not tuning advice: they stop a typo (units: 1e9) from
 * allocating gigabytes when the API builds the model to check its shapes.
 */
/** Every activation tfjs 4.22 registers, in its names. */
export const ACTIVATIONS = [
  'relu',
  'sigmoid',
  'softmax',
  'tanh',
  'linear',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'relu6',
  'hardSigmoid',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
] as const;
export const activationSchema = z.enum(ACTIVATIONS);

const MAX_KERNEL = 64;
const MAX_STRIDE = 64;

const layerName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must start with a letter and use only letters, digits, _ . - (at most 64 characters)');

/** What `inputs` names: an earlier layer, or the dataset's input. */
export const INPUT_NAME = 'input';

/** An int, or [height, width] for the 2-D layers. */
const size2d = (max: number) => z.union([z.number().int().min(1).max(max), z.tuple([z.number().int().min(1).max(max), z.number().int().min(1).max(max)])]);
const padding = z.enum(['valid', 'same']);

const regularizer = z
  .object({ l1: z.number().min(0).max(10).optional(), l2: z.number().min(0).max(10).optional() })
  .strict();
export type RegularizerSpec = z.infer<typeof regularizer>;

const seed = z.number().int().min(0).max(2 ** 31 - 1);
const finite = z.number().min(-1e6).max(1e6);
const positive = z.number().gt(0).max(1e6);

/** Initializers that take no settings beyond a seed, by tfjs name. */
export const NAMED_INITIALIZERS = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'leCunUniform', 'leCunNormal', 'zeros', 'ones'] as const;

/**
 * A weight initializer: a tfjs name (`'heNormal'`), or `{ type, ...its options }`
 * (`{ type: 'randomNormal', mean: 0, stddev: 0.05 }`). Random ones without a `seed` take
 * the run's seed when it has one.
 */
export const initializerSchema = z.union([
  z.enum(NAMED_INITIALIZERS),
  z.discriminatedUnion('type', [
    z.object({ type: z.enum(NAMED_INITIALIZERS), seed: seed.optional() }).strict(),
    z.object({ type: z.literal('constant'), value: finite }).strict(),
    z.object({ type: z.literal('randomNormal'), mean: finite.optional(), stddev: positive.optional(), seed: seed.optional() }).strict(),
    z.object({ type: z.literal('truncatedNormal'), mean: finite.optional(), stddev: positive.optional(), seed: seed.optional() }).strict(),
    z.object({ type: z.literal('randomUniform'), minval: finite.optional(), maxval: finite.optional(), seed: seed.optional() }).strict(),
    z
      .object({
        type: z.literal('varianceScaling'),
        scale: positive.optional(),
        mode: z.enum(['fanIn', 'fanOut', 'fanAvg']).optional(),
        distribution: z.enum(['normal', 'uniform', 'truncatedNormal']).optional(),
        seed: seed.optional(),
      })
      .strict(),
    z.object({ type: z.literal('orthogonal'), gain: positive.optional(), seed: seed.optional() }).strict(),
    z.object({ type: z.literal('identity'), gain: positive.optional() }).strict(),
  ]),
]);
export type InitializerSpec = z.infer<typeof initializerSchema>;

/** A single-input layer may name the one layer it takes (default: the previous one). */
const base = { name: layerName.optional(), inputs: z.tuple([layerName]).optional() };

/** Weights of dense and conv2d: initializers and L1/L2 penalties, as in Keras. */
const weights = {
  useBias: z.boolean().optional(),
  kernelRegularizer: regularizer.optional(),
  biasRegularizer: regularizer.optional(),
  kernelInitializer: initializerSchema.optional(),
  biasInitializer: initializerSchema.optional(),
};

export const denseLayerSchema = z
  .object({
    ...base,
    type: z.literal('dense'),
    units: z.number().int().min(1).max(65536),
    activation: activationSchema.optional(),
    ...weights,
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
    ...weights,
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

/** Merge layers take two or more named inputs of the same shape (`add`) or the same shape but the axis (`concatenate`). */
const mergeInputs = z.array(layerName).min(2).max(64);
export const addLayerSchema = z.object({ name: layerName.optional(), type: z.literal('add'), inputs: mergeInputs }).strict();
export const concatenateLayerSchema = z
  .object({
    name: layerName.optional(),
    type: z.literal('concatenate'),
    inputs: mergeInputs,
    /** Axis of one sample's shape to join along (batch axis excluded); default -1, the last. */
    axis: z.number().int().min(-4).max(4).refine((a) => a !== 0, 'axis 0 is the batch axis').optional(),
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
  addLayerSchema,
  concatenateLayerSchema,
]);
export type LayerSpec = z.infer<typeof layerSpecSchema>;

/** `model: { layers }`: a layer list, sequential or (with `inputs`) a graph. */
export const layersModelSpecSchema = z
  .object({ layers: z.array(layerSpecSchema).min(1).max(512) })
  .strict()
  .superRefine((model, ctx) => {
    // tfjs refuses duplicate names only when the model is assembled; say which layer here.
    const seen = new Map<string, number>();
    model.layers.forEach((layer, i) => {
      if (layer.name === undefined) return;
      if (layer.name === INPUT_NAME) {
        ctx.addIssue({ code: 'custom', path: ['layers', i, 'name'], message: `"${INPUT_NAME}" names the dataset's input; choose another layer name` });
        return;
      }
      const first = seen.get(layer.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['layers', i, 'name'], message: `duplicate layer name "${layer.name}" (also layer ${first})` });
      } else seen.set(layer.name, i);
    });
  });
export type LayersModelSpec = z.infer<typeof layersModelSpecSchema>;
/** The layer-list form of a model spec (see model-spec.schema.ts for every form a run accepts). */
export type ModelSpec = LayersModelSpec;
