import { cancelChannel, pauseChannel } from '../src/jobs/job-contracts.ts';
import { createRedis } from '../src/redis/redis-connection.ts';
import type { ActiveRun, StopIntent } from './train-context.ts';

/** Which intent wins when two arrive: losing the lease beats all (nothing may be recorded), then a cancel, a pause, a handoff. */
const PRECEDENCE: Record<StopIntent, number> = { 'lease-lost': 3, cancel: 2, pause: 1, handoff: 0 };

/**
 * Asks a run's trainer to stop at the next batch; a user's cancel overrides a pause or a
 * handoff. A run whose trainer is not assigned yet keeps the intent, and is stopped as soon
 * as it trains (training-supervision.ts), so a request is never lost to timing.
 */
export function requestStop(active: Map<string, ActiveRun>, runId: string, intent: StopIntent): void {
  const entry = active.get(runId);
  if (!entry || (entry.stop && PRECEDENCE[entry.stop] >= PRECEDENCE[intent])) return;
  entry.stop = intent;
  entry.trainer?.cancel();
}

/** The API's cancel and pause messages for runs this worker trains (subscriber mode takes a connection of its own). */
export async function listenForStopRequests(opts: { redisUrl: string; redisPrefix: string; active: Map<string, ActiveRun> }) {
  const subscriber = createRedis(opts.redisUrl, 'trainyard-worker-sub');
  const pause = pauseChannel(opts.redisPrefix);
  await subscriber.subscribe(cancelChannel(opts.redisPrefix), pause);
  subscriber.on('message', (channel, runId: string) => requestStop(opts.active, runId, channel === pause ? 'pause' : 'cancel'));
  return { close: () => subscriber.quit() };
}
