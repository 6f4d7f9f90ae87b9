import type { Redis } from 'ioredis';
import type { Db, DbTx } from '../src/db/prisma-client.ts';
import { publishRunEvent } from '../src/events/event-publisher.ts';
import { broadcastRunProgress } from '../src/events/run-progress.ts';
import type { RunEventMap, RunEventType } from '../src/events/run-event-map.ts';
import { inTransaction } from '../src/db/transaction.ts';
import { transitionRun, type Transition } from '../src/runs/run-state-machine.ts';
import { createCheckpoint, deleteCheckpoints, deleteEpochsAfter, findRun, listCheckpoints, updateRun, upsertEpoch } from '../src/runs/runs.repository.ts';
import type { Prisma } from '../src/generated/prisma/client.ts';
import type { WorkerMetrics } from '../src/metrics/worker-metrics.ts';

/**
 * Everything a worker writes about a run: each change to the run row commits together with
 * the event that announces it, so subscribers never see an event the database does not hold.
 * Status changes go through the run state machine (src/runs/run-state-machine.ts); every
 * transaction is retried when PostgreSQL aborts it as a deadlock victim.
 */
export class RunRecorder {
  /** The backend this worker trains the run on, once started: the label of its epoch metrics. */
  private backend = 'unknown';

  constructor(
    private readonly deps: { db: Db; redis: Redis; redisPrefix: string; metrics?: WorkerMetrics },
    private readonly run: { id: string; teamId: string },
  ) {}

  private async commit<T extends RunEventType>(type: T, data: RunEventMap[T], write?: (tx: DbTx) => Promise<unknown>) {
    await inTransaction(this.deps.db, async (tx) => {
      await write?.(tx);
      await publishRunEvent(this.deps, { runId: this.run.id, teamId: this.run.teamId, type, data }, { tx });
    });
  }

  /** One status change in its own transaction; false when the run was no longer in a source status. */
  private transition(t: Transition): Promise<boolean> {
    return inTransaction(this.deps.db, (tx) => transitionRun(this.deps, tx, this.run, t));
  }

  /**
   * Marks the run running on this worker; false if it is no longer queued or running (canceled
   * or paused meanwhile). `resumeEpoch` is the last finished epoch the checkpoint training
   * continues from holds (0: from scratch; for a mid-epoch checkpoint of epoch N, N - 1: N did not
   * finish): epochs recorded after it were lost with the previous worker and are trained again,
   * so their rows go and the history ends with every epoch exactly once.
   */
  async start(info: { backend: string; device?: string; workerId: string; resumeEpoch?: number; admit?: (tx: DbTx) => Promise<void> }): Promise<boolean> {
    this.backend = info.backend;
    const firstStart = await inTransaction(this.deps.db, async (tx) => {
      // A check that must hold when the run starts (the team's running-runs limit); it throws to refuse.
      await info.admit?.(tx);
      const run = await findRun(tx, this.run.id);
      if (!run) return false;
      const resumeEpoch = info.resumeEpoch ?? 0;
      const rewinds = run.currentEpoch > resumeEpoch;
      const started = await transitionRun(this.deps, tx, this.run, {
        to: 'running',
        from: ['queued', 'running'],
        data: { backend: info.backend, device: info.device ?? null, workerId: info.workerId, startedAt: run.startedAt ?? new Date(), ...(rewinds ? { currentEpoch: resumeEpoch } : {}) },
        event: { backend: info.backend, ...(info.device ? { device: info.device } : {}), workerId: info.workerId },
      });
      if (started && rewinds) await deleteEpochsAfter(tx, this.run.id, resumeEpoch);
      return started && { first: !run.startedAt, queuedAt: run.createdAt };
    });
    if (firstStart && firstStart.first) this.deps.metrics?.firstStart(Date.now() - firstStart.queuedAt.getTime());
    return Boolean(firstStart);
  }

  summary(summary: unknown) {
    return updateRun(this.deps.db, this.run.id, { modelSummary: summary as object });
  }

  async epoch(e: RunEventMap['epoch']) {
    const m = e.metrics;
    await this.commit('epoch', e, async (tx) => {
      await upsertEpoch(tx, {
        runId: this.run.id,
        epoch: e.epoch,
        loss: m.loss,
        acc: m.acc ?? null,
        valLoss: m.val_loss ?? null,
        valAcc: m.val_acc ?? null,
        metrics: { ...m, ...(e.learningRate !== undefined ? { learningRate: e.learningRate } : {}) },
        durationMs: Math.round(e.durationMs),
        samplesPerSec: e.samplesPerSec,
      });
      await updateRun(tx, this.run.id, { currentEpoch: e.epoch, latestMetrics: m });
    });
    this.deps.metrics?.epoch(this.backend, e.durationMs, e.samplesPerSec);
  }

  /**
   * Records a checkpoint (`batch` set: mid-epoch, see TrainJob.resumeFrom). Mid-epoch checkpoints
   * only serve resuming, and a resumed run starts from the newest checkpoint: every older
   * mid-epoch one of the run loses its row in the same transaction. Returns their directories
   * for the caller to remove once the rows are gone.
   */
  async checkpoint(c: { epoch: number; batch?: number; path: string; sizeBytes: number; metrics: Record<string, number> }): Promise<string[]> {
    return inTransaction(this.deps.db, async (tx) => {
      const batch = c.batch ?? null;
      const stale = await listCheckpoints(tx, this.run.id, 'mid-epoch');
      if (stale.length > 0) await deleteCheckpoints(tx, stale.map((s) => s.id));
      const row = await createCheckpoint(tx, { runId: this.run.id, epoch: c.epoch, batch, path: c.path, sizeBytes: c.sizeBytes, metrics: c.metrics });
      await publishRunEvent(this.deps, { runId: this.run.id, teamId: this.run.teamId, type: 'checkpoint', data: { checkpointId: row.id, epoch: c.epoch, batch, sizeBytes: c.sizeBytes, metrics: c.metrics } }, { tx });
      return stale.map((s) => s.path).filter((p) => p !== c.path);
    });
  }

  /**
   * Deletes the rows of the oldest end-of-epoch checkpoints beyond `keep`, never the latest;
   * returns their directories for the caller to remove once the rows are gone. Mid-epoch
   * checkpoints neither count nor go here (`checkpoint` keeps only the newest one).
   */
  async pruneCheckpoints(keep: number): Promise<string[]> {
    return inTransaction(this.deps.db, async (tx) => {
      const all = await listCheckpoints(tx, this.run.id, 'epoch-end');
      const excess = all.slice(0, Math.max(0, all.length - Math.max(1, keep)));
      if (excess.length === 0) return [];
      await deleteCheckpoints(tx, excess.map((c) => c.id));
      const epochs = excess.map((c) => c.epoch).join(', ');
      await publishRunEvent(
        this.deps,
        { runId: this.run.id, teamId: this.run.teamId, type: 'log', data: { level: 'info', message: `modelCheckpoint: removed the checkpoint${excess.length > 1 ? 's' : ''} of epoch ${epochs} (keep ${keep})` } },
        { tx },
      );
      return excess.map((c) => c.path);
    });
  }

  /** Completed: why it stopped, and what the final model scored on the test data. */
  complete(stopReason: string, results: { testMetrics?: Record<string, number>; confusionMatrix?: { classNames: string[]; matrix: number[][] } }) {
    return this.finish('completed', stopReason, {
      ...(results.testMetrics && { testMetrics: results.testMetrics }),
      ...(results.confusionMatrix && { confusionMatrix: results.confusionMatrix as unknown as Prisma.InputJsonValue }),
    });
  }

  /** Batches done in the epoch, to live subscribers only (nothing stored); lost announcements are harmless. */
  async progress(p: { epoch: number; batch: number; batches: number }): Promise<void> {
    await broadcastRunProgress(this.deps.redis, this.deps.redisPrefix, this.run.teamId, { runId: this.run.id, ...p }).catch(() => undefined);
  }

  log(level: RunEventMap['log']['level'], message: string) {
    return this.commit('log', { level, message });
  }

  async finish(status: 'completed' | 'canceled', stopReason: string, extra: Prisma.RunUncheckedUpdateManyInput = {}) {
    const done = await this.transition({
      to: status,
      from: status === 'completed' ? ['running'] : ['running', 'queued'],
      data: { stopReason, finishedAt: new Date(), workerId: null, ...extra },
      event: { stopReason },
    });
    if (done) this.deps.metrics?.ended(status);
    return done;
  }

  /** Stopped at the user's request; the last checkpoint stays, and resuming continues from it. */
  async pause(stopReason: string) {
    const paused = await this.transition({ to: 'paused', from: ['running', 'queued'], data: { stopReason, pauseRequested: false, workerId: null }, event: { stopReason } });
    if (paused) this.deps.metrics?.ended('paused');
    return paused;
  }

  /** Handed back to the queue (the worker is shutting down): another worker continues from the last checkpoint. */
  requeue(message: string) {
    return this.transition({ to: 'queued', from: ['running'], data: { workerId: null }, log: { level: 'info', message } });
  }

  async fail(error: { code: string; message: string }) {
    const failed = await this.transition({ to: 'failed', from: ['running', 'queued'], data: { error, stopReason: error.code, finishedAt: new Date(), workerId: null }, event: { error } });
    if (failed) this.deps.metrics?.ended('failed', error.code);
    return failed;
  }
}
