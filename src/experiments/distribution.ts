import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';

/** Most values one path may take in a grid: a grid past that could never be searched anyway. */
const MAX_GRID_AXIS = 1000;

/** A distribution of one searched value. Ranges are checked (non-empty, low < high) by the schema. */
export const distributionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('choice'), values: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1).max(100) }),
  z.strictObject({ type: z.literal('uniform'), low: z.number(), high: z.number() }),
  z.strictObject({ type: z.literal('logUniform'), low: z.number().positive(), high: z.number().positive() }),
  z.strictObject({ type: z.literal('int'), low: z.number().int(), high: z.number().int(), step: z.number().int().positive().default(1) }),
  z.strictObject({ type: z.literal('logInt'), low: z.number().int().positive(), high: z.number().int().positive() }),
]).refine((d) => d.type === 'choice' || d.low < d.high, { message: 'low must be below high', path: ['high'] });
export type Distribution = z.infer<typeof distributionSchema>;
/** A search space: path into the run spec → its distribution. */
export type Space = Record<string, Distribution>;
/** One trial's sampled values, by path. */
export type TrialValues = Record<string, number | string | boolean>;

/** One value drawn from `d` with `random()` in [0, 1). */
export function sample(d: Distribution, random: () => number): number | string | boolean {
  const u = random();
  switch (d.type) {
    case 'choice':
      return d.values[Math.floor(u * d.values.length)]!;
    case 'uniform':
      return d.low + u * (d.high - d.low);
    case 'logUniform':
      return Math.exp(Math.log(d.low) + u * (Math.log(d.high) - Math.log(d.low)));
    case 'int': {
      const steps = Math.floor((d.high - d.low) / d.step);
      return d.low + Math.floor(u * (steps + 1)) * d.step;
    }
    case 'logInt':
      return Math.min(d.high, Math.max(d.low, Math.floor(Math.exp(Math.log(d.low) + u * (Math.log(d.high + 1) - Math.log(d.low))))));
  }
}

/**
 * The values a grid search takes: a choice's values, an int's steps; a continuous range
 * gives `points` values evenly spread (log-evenly for the log ones), both ends included.
 */
export function gridValues(d: Distribution, points = 3): (number | string | boolean)[] {
  switch (d.type) {
    case 'choice':
      return d.values;
    case 'int': {
      const count = Math.floor((d.high - d.low) / d.step) + 1;
      if (count > MAX_GRID_AXIS) throw new AppError('INVALID_SPACE', `an int range of ${count} values is too many for a grid (at most ${MAX_GRID_AXIS}); use random or a larger step`, {});
      return Array.from({ length: count }, (_, i) => d.low + i * d.step);
    }
    case 'uniform':
      return spread(points).map((t) => d.low + t * (d.high - d.low));
    case 'logUniform':
      return spread(points).map((t) => Math.exp(Math.log(d.low) + t * (Math.log(d.high) - Math.log(d.low))));
    case 'logInt':
      return [...new Set(spread(points).map((t) => Math.round(Math.exp(Math.log(d.low) + t * (Math.log(d.high) - Math.log(d.low))))))];
  }
}

/** The values worth proving valid before anything is queued: the ends of a range, every choice. */
export function extremeValues(d: Distribution): (number | string | boolean)[] {
  if (d.type === 'choice') return d.values;
  if (d.type === 'int') return [d.low, d.low + Math.floor((d.high - d.low) / d.step) * d.step];
  return [d.low, d.high];
}

function spread(points: number): number[] {
  return Array.from({ length: points }, (_, i) => (points === 1 ? 0 : i / (points - 1)));
}
