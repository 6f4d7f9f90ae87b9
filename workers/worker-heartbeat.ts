import os from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '../src/config/config.ts';
import type { Db } from '../src/db/prisma-client.ts';
import { findStopRequests } from '../src/runs/runs.repository.ts';
import { heartbeat } from '../src/workers/worker-registry.ts';
import { requestStop } from './stop-requests.ts';
import type { ActiveRun } from './train-context.ts';
import type { BackendInfo } from './trainer/trainer-process.ts';

interface HeartbeatDeps {
  db: Db;
  redis: Redis;
  config: AppConfig;
  log: Logger;
  workerId: string;
  backend: BackendInfo;
  active: Map<string, ActiveRun>;
}

/** Three beats per TTL: a beat or two may be lost before the worker disappears from the list. */
export function heartbeatEveryMs(config: AppConfig): number {
  return Math.max(1000, (config.worker.heartbeatTtlS * 1000) / 3);
}

/**
 * Registers the worker (GET /v1/workers) and keeps it registered, three beats per TTL. Each
 * beat also reads the stop flags of the runs it trains from PostgreSQL: pub/sub is
 * fire-and-forget, so a cancel or pause whose message was lost is still honoured.
 */
export async function startHeartbeat(deps: HeartbeatDeps) {
  const { config, log, active } = deps;
  const startedAt = new Date().toISOString();
  const beat = () =>
    heartbeat(
      deps.redis,
      config.redisPrefix,
      {
        id: deps.workerId,
        hostname: os.hostname(),
        pid: process.pid,
        backend: deps.backend.backend,
        device: deps.backend.device,
        fallbackReasons: deps.backend.fallbackReasons,
        ...(deps.backend.adapter ? { adapter: deps.backend.adapter } : {}),
        concurrency: config.worker.concurrency,
        currentRuns: [...active.values()].map(({ runId, teamId }) => ({ runId, teamId })),
        startedAt,
      },
      config.worker.heartbeatTtlS,
    ).catch((err) => log.warn({ err }, 'heartbeat failed'));
  const pollStopFlags = async () => {
    if (active.size === 0) return;
    for (const run of await findStopRequests(deps.db, [...active.keys()])) requestStop(active, run.id, run.cancelRequested ? 'cancel' : 'pause');
  };
  await beat();
  const timer = setInterval(() => {
    void beat();
    void pollStopFlags().catch((err) => log.warn({ err }, 'could not read stop requests'));
  }, heartbeatEveryMs(config));
  return { beat, stop: () => clearInterval(timer) };
}
