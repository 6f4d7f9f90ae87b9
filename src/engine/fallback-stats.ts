import type * as tf from '@tensorflow/tfjs';

/** One kernel the engine left to tfjs's pure-JS cpu code: how often, and for how long. */
export interface FallbackStat {
  kernel: string;
  calls: number;
  ms: number;
}

/**
 * Kernels that move no data (a new shape or the same buffer under another id): they cost
 * nothing native code could save, so they are not counted as falling back.
 */
const FREE_KERNELS = new Set(['Reshape', 'Identity', 'ExpandDims', 'Squeeze']);

const stats = new Map<string, { calls: number; ms: number }>();

/**
 * `kernel` (a cpu kernel run by the engine, whole or as a native kernel's fallback for a case
 * it does not take) counted and timed under `name`: the engine never falls back silently.
 */
export function countedFallback(name: string, kernel: tf.KernelFunc): tf.KernelFunc {
  if (FREE_KERNELS.has(name)) return kernel;
  return (args) => {
    const started = performance.now();
    try {
      return kernel(args);
    } finally {
      const stat = stats.get(name) ?? { calls: 0, ms: 0 };
      stat.calls++;
      stat.ms += performance.now() - started;
      stats.set(name, stat);
    }
  };
}

/** The kernels that fell back since the last reset, the costliest first. */
export function engineFallbackStats(): FallbackStat[] {
  return [...stats].map(([kernel, s]) => ({ kernel, ...s })).sort((a, b) => b.ms - a.ms);
}

export function resetEngineFallbackStats(): void {
  stats.clear();
}
