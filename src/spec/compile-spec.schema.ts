import { z } from 'zod';

/**
 * `compile` of a run spec: optimizer, loss and metrics, in tfjs's names. Each optimizer
 * carries only its own settings (strict), so `{ type: 'sgd', momentum: 0.9 }` is refused
 * instead of silently training without momentum.
 */
const learningRate = z.number().positive();
const unitInterval = z.number().min(0).lt(1);
const epsilon = z.number().gt(0).max(1);

export const optimizerSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sgd'), learningRate: learningRate.optional() }).strict(),
  z
    .object({
      type: z.literal('momentum'),
      learningRate: learningRate.optional(),
      /** Default 0.9. */
      momentum: unitInterval.optional(),
      /** Nesterov momentum. Default false. */
      useNesterov: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('adam'),
      learningRate: learningRate.optional(),
      beta1: unitInterval.optional(),
      beta2: unitInterval.optional(),
      epsilon: epsilon.optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('rmsprop'),
      learningRate: learningRate.optional(),
      /** Discounting factor of the squared-gradient average (Keras's `rho`). Default 0.9. */
      decay: unitInterval.optional(),
      momentum: unitInterval.optional(),
      epsilon: epsilon.optional(),
      centered: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('adagrad'),
      learningRate: learningRate.optional(),
      initialAccumulatorValue: z.number().gt(0).max(1e3).optional(),
    })
    .strict(),
  z
    .object({ type: z.literal('adadelta'), learningRate: learningRate.optional(), rho: z.number().min(0).max(1).optional(), epsilon: epsilon.optional() })
    .strict(),
  z
    .object({
      type: z.literal('adamax'),
      learningRate: learningRate.optional(),
      beta1: unitInterval.optional(),
      beta2: unitInterval.optional(),
      epsilon: epsilon.optional(),
      decay: z.number().min(0).max(1).optional(),
    })
    .strict(),
]);
export type OptimizerSpec = z.infer<typeof optimizerSpecSchema>;
export type OptimizerType = OptimizerSpec['type'];

export const CROSSENTROPY_LOSSES = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy'] as const;
export const LOSSES = [
  ...CROSSENTROPY_LOSSES,
  'meanSquaredError',
  'meanAbsoluteError',
  'meanAbsolutePercentageError',
  'meanSquaredLogarithmicError',
  'hinge',
  'squaredHinge',
  'categoricalHinge',
  'logcosh',
  'kullbackLeiblerDivergence',
  'poisson',
  'cosineProximity',
  /** Keras's Huber loss (delta 1): quadratic for small errors, linear for large ones. */
  'huber',
] as const;
export const lossSchema = z.enum(LOSSES);
export type LossName = z.infer<typeof lossSchema>;

/** `accuracy` and its variants all report as `acc`; tfjs picks binary / categorical / sparse from the loss and output. */
export const ACCURACY_METRICS = ['accuracy', 'acc', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy'] as const;
export const METRICS = [
  ...ACCURACY_METRICS,
  'mse',
  'mae',
  'mape',
  'meanSquaredError',
  'meanAbsoluteError',
  'meanAbsolutePercentageError',
  'crossentropy',
  'ce',
  'msle',
  'meanSquaredLogarithmicError',
  'precision',
  'recall',
  'cosine',
  'cosineProximity',
] as const;
export const metricSchema = z.enum(METRICS);
export type MetricName = z.infer<typeof metricSchema>;

export const compileSpecSchema = z
  .object({
    optimizer: optimizerSpecSchema,
    loss: lossSchema,
    metrics: z.array(metricSchema).max(8).optional(),
  })
  .strict();
export type CompileSpec = z.infer<typeof compileSpecSchema>;
