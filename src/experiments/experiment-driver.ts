import type { FastifyBaseLogger } from 'fastify';
import type { DriverDeps } from './driver-deps.ts';
import { driveExperiment } from './drive-experiment.ts';
import { listRunningExperiments } from './experiments.repository.ts';

/**
 * Drives every running experiment, one pass at a time in this process, every `intervalS`
 * (0: only when asked). Its whole input is PostgreSQL (experiments, trials, runs, epochs),
 * and every step is idempotent, so a restarted API or a flushed Redis continues where the
 * last pass stopped: nothing is lost or created twice (trial rows are unique per index and
 * name their run's id before the run exists; the worker's reconciler re-queues lost jobs).
 * One experiment's failure (a model the compute child refuses, PostgreSQL blinking) is
 * logged and retried on the next pass; it does not stop the others.
 */
export function startExperimentDriver(deps: DriverDeps, log: FastifyBaseLogger, intervalS: number) {
  let running: Promise<void> | null = null;
  const passOnce = async (filter?: { teamId?: string }) => {
    for (const exp of await listRunningExperiments(deps.db)) {
      if (filter?.teamId && exp.teamId !== filter.teamId) continue;
      await driveExperiment(deps, exp).catch((err: unknown) => log.warn({ err, experimentId: exp.id }, 'driving the experiment failed; retrying next pass'));
    }
  };
  const pass = (filter?: { teamId?: string }) => (running ??= passOnce(filter).finally(() => (running = null)));
  const timer = intervalS > 0 ? setInterval(() => void pass().catch((err: unknown) => log.warn({ err }, 'experiment pass failed')), intervalS * 1000) : null;
  return {
    /** One pass now (shared with a pass under way); tests limit it to their team. */
    pass,
    stop: async () => {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

export type ExperimentDriver = ReturnType<typeof startExperimentDriver>;
