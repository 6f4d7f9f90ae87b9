import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { AppConfig } from '../src/config/config.ts';
import { createPrismaClient } from '../src/db/prisma-client.ts';
import { QueueName } from '../src/jobs/job-contracts.ts';
import { bullPrefix, trainWorkerTuning } from '../src/jobs/train-queue.ts';
import { rebalanceTeamQueue } from '../src/jobs/fair-share.ts';
import { createRedis } from '../src/redis/redis-connection.ts';
import { RunLeases } from './run-lease.ts';
import { cancelChannel, pauseChannel } from '../src/runs/runs.service.ts';
import { Storage } from '../src/storage/storage.ts';
import { heartbeat, removeWorker } from '../src/workers/worker-registry.ts';
import { reconcileRuns, type ReconcileResult } from './run-reconciler.ts';
import { createTrainProcessor, type ActiveRun, type StopIntent } from './train.processor.ts';
import { TrainerPool } from './trainer/trainer-pool.ts';
import type { BackendInfo } from './trainer/trainer-process.ts';

export interface RunningWorker {
  workerId: string;
  backend: BackendInfo;
  /** Reconciles PostgreSQL's active runs with the queue now (it also runs at start and every RECONCILE_INTERVAL_S). */
  reconcile(): Promise<ReconcileResult | null>;
  /**
   * Stops taking jobs, stops its runs at the next batch and hands them back to the queue (they
   * continue elsewhere from their last checkpoint; trainers that do not stop within
   * WORKER_SHUTDOWN_GRACE_S are killed, with the same result), then deregisters.
   */
  close(): Promise<void>;
}

export interface StartWorkerOptions {
  /** Called when the worker cannot go on safely (it lost its PostgreSQL leases); the entry exits. */
  onFatal?: (err: Error) => void;
}

/**
 * A worker: a pool of trainer processes, a BullMQ worker feeding them, run leases in
 * PostgreSQL, a control listener (cancel, pause), heartbeats and the reconciler. Its own
 * entry (`worker.ts`) adds signals; tests start it directly.
 */
export async function startWorker(config: AppConfig, log: Logger, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const workerId = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const db = createPrismaClient(config.databaseUrl);
  const redis = createRedis(config.redisUrl, 'trainyard-worker');
  const subscriber = createRedis(config.redisUrl, 'trainyard-worker-sub');
  const storage = new Storage(config.storageDir);
  const active = new Map<string, ActiveRun>();
  let shuttingDown = false;

  const leases = new RunLeases(config.databaseUrl, (runIds) => {
    const err = new Error(`lost the PostgreSQL connection holding the leases of ${runIds.length} run(s)`);
    log.error({ runIds }, err.message);
    // Without its leases this worker could train a run another worker took over: stop.
    if (!shuttingDown) options.onFatal?.(err);
  });
  await leases.connect();

  const pool = new TrainerPool(config.worker.concurrency, config.worker.backend);
  const backend = await pool.start();
  log.info({ workerId, backend: backend.backend, device: backend.device, fallbackReasons: backend.fallbackReasons }, `training on backend ${backend.backend} (${backend.device})`);

  /** Asks a run's trainer to stop at the next batch; a user's cancel overrides a pause or a handoff. */
  const requestStop = (runId: string, intent: StopIntent) => {
    const entry = active.get(runId);
    if (!entry || entry.stop === intent || entry.stop === 'cancel') return;
    if (intent === 'handoff' && entry.stop === 'pause') return;
    entry.stop = intent;
    entry.trainer.cancel();
  };
  await subscriber.subscribe(cancelChannel(config.redisPrefix), pauseChannel(config.redisPrefix));
  subscriber.on('message', (channel, runId: string) => requestStop(runId, channel === pauseChannel(config.redisPrefix) ? 'pause' : 'cancel'));

  /** Pub/sub is fire-and-forget: the flags in PostgreSQL are checked on every heartbeat too. */
  const pollStopFlags = async () => {
    if (active.size === 0) return;
    const flagged = await db.run.findMany({
      where: { id: { in: [...active.keys()] }, OR: [{ cancelRequested: true }, { pauseRequested: true }] },
      select: { id: true, cancelRequested: true },
    });
    for (const run of flagged) requestStop(run.id, run.cancelRequested ? 'cancel' : 'pause');
  };

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
  const heartbeatTimer = setInterval(() => {
    void beat();
    void pollStopFlags().catch((err) => log.warn({ err }, 'could not read stop requests'));
  }, Math.max(1000, (config.worker.heartbeatTtlS * 1000) / 3));

  const bullConnection = createRedis(config.redisUrl, 'trainyard-worker-bull');
  const worker = new Worker(
    QueueName.train,
    // `rebalance` uses `queue`, declared below, before any job can be taken.
    createTrainProcessor({ db, redis, redisPrefix: config.redisPrefix, storage, pool, leases, workerId, backend, checkpointIntervalS: config.worker.checkpointIntervalS, active, shuttingDown: () => shuttingDown, rebalance: (teamId) => rebalanceTeamQueue({ db, queue }, teamId) }),
    {
      connection: bullConnection,
      prefix: bullPrefix(config.redisPrefix),
      concurrency: config.worker.concurrency,
      ...trainWorkerTuning(config.worker),
    },
  );
  worker.on('active', (job) => void beat().then(() => log.info({ runId: job.id }, 'run started')));
  worker.on('completed', (job, result) => void beat().then(() => log.info({ runId: job.id, result }, 'run finished')));
  worker.on('failed', (job, err) => void beat().then(() => log.warn({ runId: job?.id, err: err.message }, 'run failed')));
  worker.on('error', (err) => log.error({ err }, 'worker error'));

  const queue = new Queue(QueueName.train, { connection: redis.duplicate(), prefix: bullPrefix(config.redisPrefix) });
  let reconciling: Promise<ReconcileResult | null> | null = null;
  const reconcile = () =>
    (reconciling ??= reconcileRuns({ db, redis, redisPrefix: config.redisPrefix, queue, leases, log }).finally(() => (reconciling = null)));
  const reconcileQuietly = () => void reconcile().catch((err) => log.warn({ err }, 'reconciling runs with the queue failed'));
  let reconcileTimer: NodeJS.Timeout | null = null;
  if (config.worker.reconcileIntervalS > 0) {
    reconcileQuietly();
    reconcileTimer = setInterval(reconcileQuietly, config.worker.reconcileIntervalS * 1000);
  }

  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      shuttingDown = true;
      if (reconcileTimer) clearInterval(reconcileTimer);
      clearInterval(heartbeatTimer);
      for (const runId of active.keys()) requestStop(runId, 'handoff');
      // Trainers stop at the next batch; one stuck in a long batch is killed, which ends the same way.
      const grace = setTimeout(() => void pool.stop(), config.worker.shutdownGraceS * 1000);
      await worker.close();
      clearTimeout(grace);
      await pool.stop();
      await reconciling?.catch(() => undefined);
      await removeWorker(redis, config.redisPrefix, workerId).catch(() => {});
      await leases.close();
      await queue.close();
      await Promise.all([subscriber.quit(), redis.quit(), bullConnection.quit(), db.$disconnect()]);
    })());
  return { workerId, backend, reconcile, close };
}
