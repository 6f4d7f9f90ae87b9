import { UnrecoverableError, type Job } from 'bullmq';
import type { Checkpoint, Run } from '../src/generated/prisma/client.ts';
import { trainJobSchema } from '../src/jobs/job-contracts.ts';
import { findRun, latestCheckpoint } from '../src/runs/runs.repository.ts';
import { checkpointLabel, deferJob, requeueJob, type ActiveRun, type ResumePoint, type TrainProcessorDeps } from './train-context.ts';
import { RunRecorder } from './run-recorder.ts';
import { admitUnderRunningLimit, deferAtRunningLimit } from './running-limit.ts';
import { resolveTrainInputs } from './train-inputs.ts';
import { superviseTraining } from './training-supervision.ts';

/** How soon a job taken while the lease connection is down comes back. */
const LEASE_RETRY_MS = 2000;

/**
 * Takes one run from the queue to a final state, or back to the queue. PostgreSQL decides:
 * the run is trained only by the worker holding its lease (so never twice at once), and only
 * while it is queued or running. A job taken over from a dead worker continues from the latest
 * checkpoint. Failures caused by the run itself are final (UnrecoverableError); a trainer
 * crash is rethrown so BullMQ retries the job; a worker shutting down hands the job back to
 * wait at once.
 */
export function createTrainProcessor(deps: TrainProcessorDeps) {
  return async function processTrainJob(job: Job, token?: string): Promise<string> {
    const parsed = trainJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job payload: ${parsed.error.message}`);
    const { runId } = parsed.data;
    // Without the lease connection (PostgreSQL restarting) nothing can be owned: try again shortly.
    if (!deps.leases.available) return deferJob(job, token, LEASE_RETRY_MS);
    if (!(await deps.leases.tryAcquire(runId))) return 'skipped: another worker trains this run';
    try {
      return await trainLeasedRun(deps, job, token, runId);
    } finally {
      await deps.leases.release(runId).catch(() => undefined);
    }
  };
}

async function trainLeasedRun(deps: TrainProcessorDeps, job: Job, token: string | undefined, runId: string): Promise<string> {
  // Read after taking the lease, so a previous owner's last writes are visible.
  const run = await findRun(deps.db, runId);
  if (!run || (run.status !== 'queued' && run.status !== 'running')) return `skipped: run is ${run?.status ?? 'gone'}`;
  if (deps.shuttingDown()) return requeueJob(job, token);
  const recorder = new RunRecorder(deps, run);
  const stopped = await honourRequestBeforeStart(run, recorder);
  if (stopped) return stopped;
  // Registered before the run shows as running, so a cancel or pause sent the moment it
  // does is caught (by the control listener or the heartbeat's poll of the flags).
  const entry: ActiveRun = { runId: run.id, teamId: run.teamId, trainer: null, stop: null };
  deps.active.set(run.id, entry);
  try {
    const resume = resumePointOf(await latestCheckpoint(deps.db, run.id));
    const admit = admitUnderRunningLimit(run);
    const started = await recorder.start({ backend: deps.backend.backend, device: deps.backend.device, workerId: deps.workerId, resumeEpoch: resume.finishedEpoch, admit }).catch(deferAtRunningLimit(job, token));
    if (!started) return 'skipped: no longer active';
    void deps.announceActive?.();
    await deps.rebalance?.(run.teamId).catch(() => undefined);
    const inputs = await resolveTrainInputs(deps, run, recorder);
    await logRestart(deps, run, recorder, resume);
    return await superviseTraining({ deps, job, token, run, recorder, entry, inputs, resume });
  } finally {
    deps.active.delete(run.id);
    void deps.announceActive?.();
    await deps.rebalance?.(run.teamId).catch(() => undefined);
  }
}

/** A run canceled or paused while it waited (its flag set as a worker took it) ends here, untrained. */
async function honourRequestBeforeStart(run: Run, recorder: RunRecorder): Promise<string | null> {
  if (run.cancelRequested) {
    await recorder.finish('canceled', 'canceled by user');
    return 'canceled';
  }
  if (run.pauseRequested) {
    await recorder.pause('paused by user');
    return 'paused';
  }
  return null;
}

function resumePointOf(checkpoint: Checkpoint | null): ResumePoint {
  const batch = checkpoint?.batch ?? undefined;
  const finishedEpoch = checkpoint ? (batch === undefined ? checkpoint.epoch : checkpoint.epoch - 1) : 0;
  return { checkpoint, batch, finishedEpoch };
}

async function logRestart(deps: TrainProcessorDeps, run: Run, recorder: RunRecorder, resume: ResumePoint) {
  const previousWorker = run.status === 'running' && run.workerId && run.workerId !== deps.workerId ? run.workerId : null;
  const takeover = previousWorker ? ` (worker ${previousWorker} stopped without finishing it)` : '';
  if (previousWorker) deps.metrics?.restarted('takeover');
  if (resume.checkpoint) await recorder.log('info', `resumed from the checkpoint of ${checkpointLabel(resume.checkpoint.epoch, resume.batch)} on worker ${deps.workerId}${takeover}`);
  else if (previousWorker) await recorder.log('info', `restarted from the first epoch on worker ${deps.workerId}${takeover}`);
}
