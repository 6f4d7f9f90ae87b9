import type { FastifyInstance } from 'fastify';
import { inTransaction } from '../db/transaction.ts';
import { AppError, notFound } from '../errors/app-error.ts';
import { cancelChannel, pauseChannel } from '../jobs/job-contracts.ts';
import { removeWaitingTrainJob } from '../jobs/train-queue.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import { rebalanceTeamQueue } from './fair-share.ts';
import { queueRun } from './queue-run.ts';
import { transitionRun, UNFINISHED_STATUSES, type Transition } from './run-state-machine.ts';
import { deleteRun as deleteRunRow, findTeamRun, findTransferRunsBasedOn, listCheckpointIds, updateRun } from './runs.repository.ts';
import { createQueuedRun, type SubmitDeps } from './submit-run.ts';
import { teamRunOr404 } from './run-results.ts';

/** The pieces of the app the run use cases need; a narrow view keeps them testable. */
export type RunsDeps = Pick<FastifyInstance, 'db' | 'queues' | 'compute' | 'redis' | 'quotas' | 'storage'> & { redisPrefix: string };

const queueDeps = (deps: RunsDeps) => ({ db: deps.db, queue: deps.queues.train });

/**
 * Validates a spec against its dataset (the model is built once, off the event loop),
 * records the run as queued with its first event, then queues the job. PostgreSQL is the
 * source of truth: if queueing fails the row is removed again and nothing changed.
 */
export async function submitRun(deps: RunsDeps & SubmitDeps, teamId: string, submitted: RunSpec) {
  const run = await createQueuedRun(deps, teamId, submitted);
  try {
    await queueRun(queueDeps(deps), run);
  } catch (err) {
    await deleteRunRow(deps.db, run.id);
    throw new AppError('SERVICE_UNAVAILABLE', 'could not queue the run; try again', { cause: (err as Error).message });
  }
  return (await findTeamRun(deps.db, teamId, run.id))!;
}

/**
 * A queued or paused run is canceled at once. A running one is flagged and its worker told
 * through Redis; the worker stops it at the next batch, keeps the last checkpoint, and reports
 * `canceled` itself. Canceling a finished run is a 409.
 */
export async function cancelRun(deps: RunsDeps, teamId: string, runId: string): Promise<NonNullable<Awaited<ReturnType<typeof findTeamRun>>>> {
  const run = await teamRunOr404(deps.db, teamId, runId);
  if (run.status === 'queued' || run.status === 'paused') {
    const stop = 'canceled by user';
    const canceled = await stopWaitingRun(deps, run, { to: 'canceled', from: [run.status], data: { finishedAt: new Date(), stopReason: stop }, event: { stopReason: stop } });
    // A worker took it between our read and our update: cancel it as a running run.
    if (!canceled) return cancelRun(deps, teamId, runId);
  } else if (run.status === 'running') {
    await flagRunningRun(deps, run.id, 'cancel');
  } else {
    throw new AppError('CONFLICT', `run is already ${run.status}`, { status: run.status });
  }
  return (await findTeamRun(deps.db, teamId, runId))!;
}

/**
 * A queued run is paused at once (its job removed). A running one is flagged and its worker
 * told through Redis; the worker stops it at the next batch, keeps the checkpoint of the last
 * finished epoch and reports `paused` itself. Pausing a paused or finished run is a 409.
 */
export async function pauseRun(deps: RunsDeps, teamId: string, runId: string): Promise<NonNullable<Awaited<ReturnType<typeof findTeamRun>>>> {
  const run = await teamRunOr404(deps.db, teamId, runId);
  if (run.status === 'queued') {
    const stop = 'paused by user';
    const paused = await stopWaitingRun(deps, run, { to: 'paused', from: ['queued'], data: { stopReason: stop }, event: { stopReason: stop } });
    // A worker took it between our read and our update: pause it as a running run.
    if (!paused) return pauseRun(deps, teamId, runId);
  } else if (run.status === 'running' && !run.cancelRequested) {
    await flagRunningRun(deps, run.id, 'pause');
  } else {
    const why = run.status === 'running' ? 'is being canceled' : `is ${run.status}`;
    throw new AppError('CONFLICT', `only a queued or running run can be paused; this one ${why}`, { status: run.status });
  }
  return (await findTeamRun(deps.db, teamId, runId))!;
}

/**
 * A paused run goes back to the queue and continues from its last checkpoint (weights,
 * optimizer state, epoch). Resuming anything but a paused run is a 409.
 */
export function resumeRun(deps: RunsDeps, teamId: string, runId: string) {
  return requeueRun(deps, teamId, runId, 'paused', 'only a paused run can be resumed');
}

/**
 * A completed run whose epoch count was raised (an experiment's trial promoted after its
 * maxEpochs was extended) goes back to the queue and trains on from its last checkpoint:
 * its epochs so far are kept, not trained again. Not offered to users over HTTP.
 */
export function continueRun(deps: RunsDeps, teamId: string, runId: string) {
  return requeueRun(deps, teamId, runId, 'completed', 'only a completed run can be continued');
}

async function requeueRun(deps: RunsDeps, teamId: string, runId: string, from: 'paused' | 'completed', refusal: string) {
  const run = await teamRunOr404(deps.db, teamId, runId);
  const conflict = (status: string) => new AppError('CONFLICT', `${refusal}; this one is ${status}`, { status });
  if (run.status !== from) throw conflict(run.status);
  const requeued = await inTransaction(deps.db, async (tx) => {
    // Back in the queue, it counts against the team's queued-runs limit like a new run.
    await deps.quotas.assertCanQueueRun(tx, teamId);
    return transitionRun(deps, tx, run, { to: 'queued', from: [from], data: { pauseRequested: false, stopReason: null, workerId: null, finishedAt: null } });
  });
  if (!requeued) throw conflict((await findTeamRun(deps.db, teamId, runId))?.status ?? 'gone');
  try {
    await queueRun(queueDeps(deps), run);
  } catch (err) {
    // Nothing changed after all: back where it was, so the caller can simply retry.
    const { stopReason, finishedAt } = run;
    await inTransaction(deps.db, (tx) => transitionRun(deps, tx, run, { to: from, from: ['queued'], data: { stopReason, finishedAt }, event: { stopReason: stopReason ?? undefined } }));
    throw new AppError('SERVICE_UNAVAILABLE', 'could not queue the run; try again', { cause: (err as Error).message });
  }
  return (await findTeamRun(deps.db, teamId, runId))!;
}

/**
 * Deletes a finished run with its metrics, checkpoints, events and files, which also frees
 * its datasets and base model for deletion. A queued, running or paused run must be
 * canceled first (409), and so must an active transfer run that starts from this run's
 * model or one of its checkpoints.
 */
export async function deleteRun(deps: RunsDeps, teamId: string, runId: string): Promise<void> {
  await inTransaction(deps.db, async (tx) => {
    const run = await teamRunOr404(tx, teamId, runId);
    if (UNFINISHED_STATUSES.includes(run.status)) {
      throw new AppError('CONFLICT', `run is ${run.status}; cancel it before deleting it`, { status: run.status });
    }
    const dependents = await findTransferRunsBasedOn(tx, teamId, runId, await listCheckpointIds(tx, runId), UNFINISHED_STATUSES);
    if (dependents.length > 0) {
      throw new AppError('CONFLICT', `run is the base of ${dependents.length} active transfer run(s)`, { runIds: dependents.map((r) => r.id) });
    }
    await deleteRunRow(tx, runId);
  });
  await deps.storage.remove(deps.storage.runDir(runId));
}

/**
 * Stops a run no worker trains (queued or paused): its waiting job goes, then the status
 * changes. False when a worker took it meanwhile (the status was no longer `from`).
 */
async function stopWaitingRun(deps: RunsDeps, run: { id: string; teamId: string }, t: Transition): Promise<boolean> {
  await removeWaitingTrainJob(deps.queues.train, run.id);
  const changed = await inTransaction(deps.db, (tx) => transitionRun(deps, tx, run, t));
  if (changed) await rebalanceTeamQueue(queueDeps(deps), run.teamId).catch(() => undefined);
  return changed;
}

/**
 * A running run stops at its worker's next batch: the flag in PostgreSQL is what the
 * worker checks (on every heartbeat, and before it starts a run); the Redis message only
 * makes it notice at once.
 */
async function flagRunningRun(deps: RunsDeps, runId: string, intent: 'cancel' | 'pause') {
  await updateRun(deps.db, runId, intent === 'cancel' ? { cancelRequested: true } : { pauseRequested: true });
  await deps.redis.publish(intent === 'cancel' ? cancelChannel(deps.redisPrefix) : pauseChannel(deps.redisPrefix), runId);
}
