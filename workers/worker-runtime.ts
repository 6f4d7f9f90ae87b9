import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { AppConfig } from '../src/config/config.ts';
import { createPrismaClient } from '../src/db/prisma-client.ts';
import { QueueName } from '../src/jobs/job-contracts.ts';
import { bullPrefix, trainWorkerTuning } from '../src/jobs/train-queue.ts';
import { rebalanceTeamQueue } from '../src/runs/fair-share.ts';
import { createRedis, duplicateRedis } from '../src/redis/redis-connection.ts';
import { Storage } from '../src/storage/storage.ts';
import { removeWorker } from '../src/workers/worker-registry.ts';
import { RunLeases } from './run-lease.ts';
import { reconcileRuns, type ReconcileResult } from './run-reconciler.ts';
import { createTrainProcessor } from './train.processor.ts';
import type { ActiveRun } from './train-context.ts';
import { adapterFilterFor } from './trainer/adapter-filter.ts';
import { TrainerPool } from './trainer/trainer-pool.ts';
import type { BackendInfo } from './trainer/trainer-process.ts';
import { listenForStopRequests, requestStop } from './stop-requests.ts';
import { heartbeatEveryMs, startHeartbeat } from './worker-heartbeat.ts';
import { startMetricsPublisher } from './metrics-publisher.ts';
import { WorkerMetrics } from '../src/metrics/worker-metrics.ts';
import { startReconcileLoop } from './reconcile-loop.ts';

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

/**
 * A worker: a pool of trainer processes, a BullMQ worker feeding them, run leases in
 * PostgreSQL, a control listener (cancel, pause), heartbeats and the reconciler. Its own
 * entry (`worker.ts`) adds signals; tests start it directly.
 */
export async function startWorker(config: AppConfig, log: Logger): Promise<RunningWorker> {
  // First, before any connection: a GPU_INDEX that names no GPU stops the worker here.
  const adapterFilter = await adapterFilterFor(config.worker);
  const workerId = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const db = createPrismaClient(config.databaseUrl);
  const redis = createRedis(config.redisUrl, 'trainyard-worker');
  const active = new Map<string, ActiveRun>();
  let shuttingDown = false;

  // Set once the BullMQ worker exists; the leases can only be lost after they connected.
  let recoverLeases: (runIds: string[]) => void = () => {};
  const leases = new RunLeases(config.databaseUrl, (runIds) => recoverLeases(runIds));
  await leases.connect();

  const pool = new TrainerPool(config.worker.concurrency, config.worker.backend, adapterFilter);
  const backend = await pool.start();
  log.info({ workerId, backend: backend.backend, device: backend.device, fallbackReasons: backend.fallbackReasons, adapter: backend.adapter }, `training on backend ${backend.backend} (${backend.device})`);

  const control = await listenForStopRequests({ redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, active });
  const heartbeat = await startHeartbeat({ db, redis, config, log, workerId, backend, active });
  const metrics = new WorkerMetrics(backend.backend);
  const metricsPublisher = startMetricsPublisher({ redis, redisPrefix: config.redisPrefix, workerId, metrics, everyMs: heartbeatEveryMs(config), log });
  const queue = new Queue(QueueName.train, { connection: duplicateRedis(redis), prefix: bullPrefix(config.redisPrefix) });
  const bullConnection = createRedis(config.redisUrl, 'trainyard-worker-bull');
  const processor = createTrainProcessor({
    db, redis, redisPrefix: config.redisPrefix, storage: new Storage(config.storageDir), pool, leases, workerId, backend,
    checkpointIntervalS: config.worker.checkpointIntervalS, batchProgressIntervalS: config.worker.batchProgressIntervalS, active, shuttingDown: () => shuttingDown, metrics,
    rebalance: (teamId) => rebalanceTeamQueue({ db, queue }, teamId),
    announceActive: heartbeat.beat,
  });
  const worker = new Worker(QueueName.train, processor, {
    connection: bullConnection,
    prefix: bullPrefix(config.redisPrefix),
    concurrency: config.worker.concurrency,
    ...trainWorkerTuning(config.worker),
  });
  logJobEvents(worker, log);
  const reconciler = startReconcileLoop(config.worker.reconcileIntervalS, log, () => reconcileRuns({ db, redis, redisPrefix: config.redisPrefix, queue, leases, log }));
  recoverLeases = (runIds) => {
    if (!shuttingDown) void recoverFromLostLeases({ leases, active, log, reconcile: reconciler.run }, runIds);
  };

  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      shuttingDown = true;
      reconciler.stop();
      heartbeat.stop();
      for (const runId of active.keys()) requestStop(active, runId, 'handoff');
      // Trainers stop at the next batch; one stuck in a long batch is killed, which ends the same way.
      const grace = setTimeout(() => void pool.stop(), config.worker.shutdownGraceS * 1000);
      await worker.close();
      clearTimeout(grace);
      await pool.stop();
      await reconciler.settled();
      await metricsPublisher.stop();
      await removeWorker(redis, config.redisPrefix, workerId).catch(() => {});
      await leases.close();
      await queue.close();
      await Promise.all([control.close(), redis.quit(), bullConnection.quit(), db.$disconnect()]);
    })());
  return { workerId, backend, reconcile: reconciler.run, close };
}

/**
 * The PostgreSQL connection holding this worker's leases broke (PostgreSQL restarted, the
 * network failed): PostgreSQL has released the locks, so the runs in flight are no longer
 * this worker's to train or record. They stop at their next batch and go back to the queue
 * as they are (their rows stay `running`; whoever takes them next resumes them from their
 * last checkpoint). The worker takes no job until its leases are back, then reconciles the
 * queue with PostgreSQL and goes on: it never exits for this.
 */
async function recoverFromLostLeases(
  deps: { leases: RunLeases; active: Map<string, ActiveRun>; log: Logger; reconcile: () => Promise<unknown> },
  runIds: string[],
) {
  deps.log.error({ runIds }, `lost the PostgreSQL connection holding the leases of ${runIds.length} run(s); stopping them and reconnecting`);
  for (const runId of deps.active.keys()) requestStop(deps.active, runId, 'lease-lost');
  if (!(await deps.leases.reconnect())) return;
  deps.log.info('run leases reconnected; reconciling the queue with PostgreSQL');
  await deps.reconcile().catch((err) => deps.log.warn({ err }, 'reconciling runs with the queue failed'));
}

function logJobEvents(worker: Worker, log: Logger) {
  worker.on('active', (job) => log.info({ runId: job.id }, 'run started'));
  worker.on('completed', (job, result) => log.info({ runId: job.id, result }, 'run finished'));
  worker.on('failed', (job, err) => log.warn({ runId: job?.id, err: err.message }, 'run failed'));
  worker.on('error', (err) => log.error({ err }, 'worker error'));
}
