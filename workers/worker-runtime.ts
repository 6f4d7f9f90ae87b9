import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { AppConfig } from '../src/config/config.ts';
import { createPrismaClient } from '../src/db/prisma-client.ts';
import { QueueName } from '../src/jobs/job-contracts.ts';
import { createRedis } from '../src/redis/redis-connection.ts';
import { cancelChannel } from '../src/runs/runs.service.ts';
import { Storage } from '../src/storage/storage.ts';
import { heartbeat, removeWorker } from '../src/workers/worker-registry.ts';
import { createTrainProcessor, type ActiveRun } from './train.processor.ts';
import { TrainerPool } from './trainer-pool.ts';
import type { BackendInfo } from './trainer-process.ts';

export interface RunningWorker {
  workerId: string;
  backend: BackendInfo;
  /** Stops taking jobs, stops the trainers (a run in flight is retried elsewhere from its last checkpoint), deregisters. */
  close(): Promise<void>;
}

/**
 * A worker: a pool of trainer processes, a BullMQ worker feeding them, a cancel listener
 * and heartbeats. Its own entry (`worker.ts`) adds signals; tests start it directly.
 */
export async function startWorker(config: AppConfig, log: Logger): Promise<RunningWorker> {
  const workerId = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const db = createPrismaClient(config.databaseUrl);
  const redis = createRedis(config.redisUrl, 'trainyard-worker');
  const subscriber = createRedis(config.redisUrl, 'trainyard-worker-sub');
  const storage = new Storage(config.storageDir);

  const pool = new TrainerPool(config.worker.concurrency, config.worker.backend);
  const backend = await pool.start();
  log.info({ workerId, backend: backend.backend, device: backend.device, fallbackReasons: backend.fallbackReasons }, `training on backend ${backend.backend} (${backend.device})`);

  const active = new Map<string, ActiveRun>();
  await subscriber.subscribe(cancelChannel(config.redisPrefix));
  subscriber.on('message', (_channel, runId: string) => active.get(runId)?.trainer.cancel());

  const startedAt = new Date().toISOString();
  const beat = () =>
    heartbeat(
      redis,
      config.redisPrefix,
      {
        id: workerId,
        hostname: os.hostname(),
        pid: process.pid,
        backend: backend.backend,
        device: backend.device,
        fallbackReasons: backend.fallbackReasons,
        concurrency: config.worker.concurrency,
        currentRuns: [...active.values()].map(({ runId, teamId }) => ({ runId, teamId })),
        startedAt,
      },
      config.worker.heartbeatTtlS,
    ).catch((err) => log.warn({ err }, 'heartbeat failed'));
  await beat();
  const heartbeatTimer = setInterval(beat, Math.max(1000, (config.worker.heartbeatTtlS * 1000) / 3));

  const bullConnection = createRedis(config.redisUrl, 'trainyard-worker-bull');
  const worker = new Worker(QueueName.train, createTrainProcessor({ db, redis, redisPrefix: config.redisPrefix, storage, pool, workerId, backend, active }), {
    connection: bullConnection,
    prefix: `${config.redisPrefix}:bull`,
    concurrency: config.worker.concurrency,
  });
  worker.on('active', (job) => void beat().then(() => log.info({ runId: job.id }, 'run started')));
  worker.on('completed', (job, result) => void beat().then(() => log.info({ runId: job.id, result }, 'run finished')));
  worker.on('failed', (job, err) => void beat().then(() => log.warn({ runId: job?.id, err: err.message }, 'run failed')));
  worker.on('error', (err) => log.error({ err }, 'worker error'));

  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      clearInterval(heartbeatTimer);
      await pool.stop();
      await worker.close();
      await removeWorker(redis, config.redisPrefix, workerId).catch(() => {});
      await Promise.all([subscriber.quit(), redis.quit(), bullConnection.quit(), db.$disconnect()]);
    })());
  return { workerId, backend, close };
}
