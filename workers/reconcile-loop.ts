import type { Logger } from 'pino';
import type { ReconcileResult } from './run-reconciler.ts';

/**
 * Runs the reconciler at start and every `intervalS` (0: only when asked), one pass at a
 * time in this process: a pass asked for while one runs shares its result.
 */
export function startReconcileLoop(intervalS: number, log: Logger, pass: () => Promise<ReconcileResult | null>) {
  let running: Promise<ReconcileResult | null> | null = null;
  const run = () => (running ??= pass().finally(() => (running = null)));
  const runQuietly = () => void run().catch((err) => log.warn({ err }, 'reconciling runs with the queue failed'));
  let timer: NodeJS.Timeout | null = null;
  if (intervalS > 0) {
    runQuietly();
    timer = setInterval(runQuietly, intervalS * 1000);
  }
  return {
    run,
    stop: () => timer && clearInterval(timer),
    /** Waits for a pass under way to end. */
    settled: async () => void (await running?.catch(() => undefined)),
  };
}
