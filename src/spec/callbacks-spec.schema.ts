import { z } from 'zod';

/**
 * `callbacks` of a run spec: Keras's training callbacks, evaluated once per epoch by the
 * trainer (workers/training/callbacks/). History and terminate-on-NaN are always on.
 *
 * `monitor` names a value of the epoch's metrics as tfjs names them: `loss`, `acc`, `mse`...
 * and `val_<name>` for validation (Keras's `accuracy` / `val_accuracy` are accepted as
 * `acc` / `val_acc`). Default: `val_loss` when the run has validation data, else `loss`.
 * `mode` `auto` maximises accuracy-like values (acc, precision, recall) and minimises the rest.
 */
export const monitorSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a metric name such as val_loss, loss, val_acc');
export const monitorModeSchema = z.enum(['auto', 'min', 'max']);

/** The metrics key a monitor reads: Keras's `accuracy` names are tfjs's `acc` (`val_accuracy` → `val_acc`). */
export function monitorKey(monitor: string): string {
  return monitor.replace(/(^|_)accuracy$/, '$1acc');
}

export const earlyStoppingSpecSchema = z
  .object({
    monitor: monitorSchema.optional(),
    /** An epoch counts as an improvement only when it beats the best by more than this. Default 0. */
    minDelta: z.number().min(0).max(1e9).default(0),
    /** Epochs without improvement before training stops. Default 0: stop at the first one. */
    patience: z.number().int().min(0).max(10_000).default(0),
    mode: monitorModeSchema.default('auto'),
    /** Training stops unless the monitored value beats this within `patience` epochs. */
    baseline: z.number().finite().optional(),
    /** The final model gets the weights of the best epoch, not the last one. Default false. */
    restoreBestWeights: z.boolean().default(false),
  })
  .strict();

export const modelCheckpointSpecSchema = z
  .object({
    monitor: monitorSchema.optional(),
    mode: monitorModeSchema.default('auto'),
    /** Save only epochs whose monitored value beats every earlier saved one. Default false. */
    saveBestOnly: z.boolean().default(false),
    /** Consider saving every N epochs. Default 1. */
    everyEpochs: z.number().int().min(1).max(10_000).default(1),
    /** Checkpoints kept; older ones are deleted (never the latest, which a resumed run starts from). Default: all. */
    keep: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

export const reduceLROnPlateauSpecSchema = z
  .object({
    monitor: monitorSchema.optional(),
    /** new rate = rate × factor. Default 0.1. */
    factor: z.number().gt(0).lt(1).default(0.1),
    /** Epochs without improvement before the rate is lowered. Default 10. */
    patience: z.number().int().min(0).max(10_000).default(10),
    minDelta: z.number().min(0).max(1e9).default(1e-4),
    /** Epochs to wait after lowering the rate before counting again. Default 0. */
    cooldown: z.number().int().min(0).max(10_000).default(0),
    /** The rate never goes below this. Default 0. */
    minLR: z.number().min(0).max(10).default(0),
    mode: monitorModeSchema.default('auto'),
  })
  .strict();

/**
 * Learning rate per epoch, from the optimizer's own rate `lr0` (epoch e counts from 1):
 * - exponentialDecay: lr0 · decayRate^((e−1) / decayEpochs), the exponent floored when `staircase`;
 * - stepDecay: lr0 · factor^floor((e−1) / everyEpochs);
 * - cosineDecay: lr0 · ((1 − alpha) · ½(1 + cos(π · min(e−1, decayEpochs) / decayEpochs)) + alpha).
 */
export const learningRateScheduleSpecSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('exponentialDecay'),
      decayRate: z.number().gt(0).max(1),
      decayEpochs: z.number().int().min(1).max(10_000).default(1),
      staircase: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      type: z.literal('stepDecay'),
      factor: z.number().gt(0).lt(1).default(0.5),
      everyEpochs: z.number().int().min(1).max(10_000),
    })
    .strict(),
  z
    .object({
      type: z.literal('cosineDecay'),
      decayEpochs: z.number().int().min(1).max(10_000),
      /** The floor, as a fraction of lr0. Default 0. */
      alpha: z.number().min(0).max(1).default(0),
    })
    .strict(),
]);

export const callbacksSpecSchema = z
  .object({
    earlyStopping: earlyStoppingSpecSchema.optional(),
    modelCheckpoint: modelCheckpointSpecSchema.optional(),
    reduceLROnPlateau: reduceLROnPlateauSpecSchema.optional(),
    learningRateSchedule: learningRateScheduleSpecSchema.optional(),
  })
  .strict()
  .superRefine((cb, ctx) => {
    // Both would set the rate every epoch and silently undo each other.
    if (cb.reduceLROnPlateau && cb.learningRateSchedule) {
      ctx.addIssue({
        code: 'custom',
        path: ['learningRateSchedule'],
        message: 'learningRateSchedule and reduceLROnPlateau both set the learning rate; use one of them',
      });
    }
  });

export type CallbacksSpec = z.infer<typeof callbacksSpecSchema>;
export type EarlyStoppingSpec = z.infer<typeof earlyStoppingSpecSchema>;
export type ModelCheckpointSpec = z.infer<typeof modelCheckpointSpecSchema>;
export type ReduceLROnPlateauSpec = z.infer<typeof reduceLROnPlateauSpecSchema>;
export type LearningRateScheduleSpec = z.infer<typeof learningRateScheduleSpecSchema>;
export type MonitorMode = z.infer<typeof monitorModeSchema>;
