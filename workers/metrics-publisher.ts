import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { publishSnapshot } from '../src/metrics/metrics-relay.ts';
import type { WorkerMetrics } from '../src/metrics/worker-metrics.ts';

// A stopped worker's last counts are served this long, so a scrape soon after still sees its final epochs.
const SNAPSHOT_TTL_S = 600;
// Observations come in bursts (an epoch, then the run's end): one publish covers them.
const COALESCE_MS = 100;

/**
 * Keeps this worker's metrics snapshot in Redis fresh for the API's GET /metrics: shortly
 * after each observation, and every `everyMs` besides (so the key never expires while the
 * worker lives). `stop()` publishes a last time.
 */
export function startMetricsPublisher(deps: { redis: Redis; redisPrefix: string; workerId: string; metrics: WorkerMetrics; everyMs: number; log: Logger }) {
  const publish = async () => {
    try {
      await publishSnapshot(deps.redis, deps.redisPrefix, deps.workerId, await deps.metrics.registry.getMetricsAsJSON(), SNAPSHOT_TTL_S);
    } catch (err) {
      deps.log.warn({ err }, 'publishing worker metrics failed');
    }
  };
  let pending: NodeJS.Timeout | null = null;
  deps.metrics.onChange(() => {
    pending ??= setTimeout(() => {
      pending = null;
      void publish();
    }, COALESCE_MS);
  });
  const timer = setInterval(() => void publish(), deps.everyMs);
  void publish();
  return {
    stop: async () => {
      clearInterval(timer);
      if (pending) clearTimeout(pending);
      deps.metrics.onChange(() => {});
      await publish();
    },
  };
}
