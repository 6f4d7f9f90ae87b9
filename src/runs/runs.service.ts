import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError, notFound } from '../errors/app-error.ts';
import type { RunStatus } from '../generated/prisma/client.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import { createRun, findTeamRun, transitionRun, updateRun } from './runs.repository.ts';
import { datasetInfoOf } from '../datasets/dataset-info.ts';
import { checkClassWeight, checkMonitors, matchingTeamDataset } from '../spec/dataset-checks.ts';
import { checkAugmentationFits } from '../spec/augmentation-spec.schema.ts';
import { resolveTransferSource } from './transfer-source.ts';
import { rebalanceTeamQueue, teamQueueRanks } from '../jobs/fair-share.ts';

/** The pieces of the app the run use cases need; a narrow view keeps them testable. */
type Deps = Pick<FastifyInstance, 'db' | 'queues' | 'compute' | 'events' | 'redis' | 'quotas' | 'storage'> & { redisPrefix: string };

/**
 * Validates a spec against its dataset (the model is built once, off the event loop),
 * records the run as queued with its first event, then queues the job. PostgreSQL is the
 * source of truth: if queueing fails the row is removed again and nothing changed.
 */
export async function submitRun(deps: Deps, teamId: string, submitted: RunSpec) {
  // Every run gets a seed, the user's or a random one, stored with its spec: its initial
  // weights and shuffles then repeat exactly, and a resumed run sees its data in the order
  // it would have seen without the interruption.
  const spec: RunSpec = { ...submitted, fit: { ...submitted.fit, seed: submitted.fit.seed ?? randomInt(2 ** 31 - 1) } };
  const dataset = await deps.db.dataset.findFirst({ where: { id: spec.datasetId, teamId } });
  if (!dataset) throw new AppError('NOT_FOUND', 'dataset not found', { datasetId: spec.datasetId });
  if (dataset.status !== 'ready') {
    throw new AppError('DATASET_NOT_READY', `dataset is ${dataset.status}, not ready`, { datasetId: dataset.id, status: dataset.status });
  }
  checkClassWeight(spec, dataset);
  checkMonitors(spec);
  if (spec.augmentation) checkAugmentationFits(dataset.inputShape);
  // Separate validation / test datasets: the team's, ready, and shaped like the training data.
  const validationId = spec.fit.validationDatasetId;
  const testId = spec.fit.testDatasetId;
  const validationDataset = validationId ? await matchingTeamDataset(deps.db, teamId, validationId, dataset, ['fit', 'validationDatasetId']) : null;
  const testDataset = testId ? await matchingTeamDataset(deps.db, teamId, testId, dataset, ['fit', 'testDatasetId']) : null;
  // A transfer run's base: the team's run, checkpoint or uploaded model (another team's id is a 404).
  const base = spec.transfer ? await resolveTransferSource(deps.db, deps.storage, teamId, spec.transfer) : null;
  const summary = base
    ? await deps.compute.validateTransferRunSpec(spec, datasetInfoOf(dataset), base.dir)
    : await deps.compute.validateRunSpec(spec, datasetInfoOf(dataset));

  const run = await deps.db.$transaction(async (tx) => {
    // Locks the team row: concurrent submits of one team cannot both slip under maxQueuedRuns.
    await deps.quotas.assertCanQueueRun(tx, teamId);
    const created = await createRun(tx, {
      teamId,
      datasetId: dataset.id,
      validationDatasetId: validationDataset?.id ?? null,
      testDatasetId: testDataset?.id ?? null,
      baseModelId: base?.baseModelId ?? null,
      spec: spec as object,
      priority: spec.priority,
      totalEpochs: spec.fit.epochs,
      modelSummary: summary as object,
    });
    await deps.events.publish({ runId: created.id, teamId, type: 'status', data: { status: 'queued' } }, { tx });
    return created;
  });

  try {
    // Fair share: queued behind the team's own active runs, not behind other teams' backlogs.
    const rank = (await teamQueueRanks(deps.db, teamId)).find((r) => r.runId === run.id)?.rank ?? 0;
    await deps.queues.enqueueTraining({ runId: run.id }, spec.priority, rank);
  } catch (err) {
    await deps.db.run.delete({ where: { id: run.id } });
    throw new AppError('SERVICE_UNAVAILABLE', 'could not queue the run; try again', { cause: (err as Error).message });
  }
  // The team's lower-priority runs now have one more run ahead of them.
  await rebalanceTeamQueue({ db: deps.db, queue: deps.queues.train }, teamId).catch(() => undefined);
  return (await deps.db.run.findUniqueOrThrow({ where: { id: run.id } }));
}

/**
 * A queued or paused run is canceled at once. A running one is flagged and its worker told
 * through Redis; the worker stops it at the next batch, keeps the last checkpoint, and reports
 * `canceled` itself. Canceling a finished run is a 409.
 */
export async function cancelRun(deps: Deps, teamId: string, runId: string) {
  const run = await findTeamRun(deps.db, teamId, runId);
  if (!run) throw notFound('run');
  if (run.status === 'queued' || run.status === 'paused') {
    await deps.queues.removeWaitingTraining(run.id);
    const canceled = await deps.db.$transaction(async (tx) => {
      const changed = await transitionRun(tx, run.id, [run.status], { status: 'canceled', finishedAt: new Date(), stopReason: 'canceled by user' });
      if (changed) await deps.events.publish({ runId: run.id, teamId, type: 'status', data: { status: 'canceled', stopReason: 'canceled by user' } }, { tx });
      return changed;
    });
    // A worker took it between our read and our update: cancel it as a running run.
    if (!canceled) return cancelRun(deps, teamId, runId);
    await rebalanceTeamQueue({ db: deps.db, queue: deps.queues.train }, teamId).catch(() => undefined);
  } else if (run.status === 'running') {
    await updateRun(deps.db, run.id, { cancelRequested: true });
    await deps.redis.publish(cancelChannel(deps.redisPrefix), run.id);
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
export async function pauseRun(deps: Deps, teamId: string, runId: string) {
  const run = await findTeamRun(deps.db, teamId, runId);
  if (!run) throw notFound('run');
  if (run.status === 'queued') {
    await deps.queues.removeWaitingTraining(run.id);
    const paused = await deps.db.$transaction(async (tx) => {
      const changed = await transitionRun(tx, run.id, ['queued'], { status: 'paused', stopReason: 'paused by user' });
      if (changed) await deps.events.publish({ runId: run.id, teamId, type: 'status', data: { status: 'paused', stopReason: 'paused by user' } }, { tx });
      return changed;
    });
    // A worker took it between our read and our update: pause it as a running run.
    if (!paused) return pauseRun(deps, teamId, runId);
    await rebalanceTeamQueue({ db: deps.db, queue: deps.queues.train }, teamId).catch(() => undefined);
  } else if (run.status === 'running' && !run.cancelRequested) {
    await updateRun(deps.db, run.id, { pauseRequested: true });
    await deps.redis.publish(pauseChannel(deps.redisPrefix), run.id);
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
export async function resumeRun(deps: Deps, teamId: string, runId: string) {
  const run = await findTeamRun(deps.db, teamId, runId);
  if (!run) throw notFound('run');
  const conflict = (status: string) => new AppError('CONFLICT', `only a paused run can be resumed; this one is ${status}`, { status });
  if (run.status !== 'paused') throw conflict(run.status);
  const resumed = await deps.db.$transaction(async (tx) => {
    // Back in the queue, it counts against the team's queued-runs limit like a new run.
    await deps.quotas.assertCanQueueRun(tx, teamId);
    const changed = await transitionRun(tx, run.id, ['paused'], { status: 'queued', pauseRequested: false, stopReason: null, workerId: null });
    if (changed) await deps.events.publish({ runId: run.id, teamId, type: 'status', data: { status: 'queued' } }, { tx });
    return changed;
  });
  if (!resumed) throw conflict((await findTeamRun(deps.db, teamId, runId))?.status ?? 'gone');
  try {
    const rank = (await teamQueueRanks(deps.db, teamId)).find((r) => r.runId === run.id)?.rank ?? 0;
    await deps.queues.enqueueTraining({ runId: run.id }, run.priority, rank);
  } catch (err) {
    // Nothing changed after all: back to paused, so the client can simply retry.
    await deps.db.$transaction(async (tx) => {
      if (await transitionRun(tx, run.id, ['queued'], { status: 'paused', stopReason: 'paused by user' })) {
        await deps.events.publish({ runId: run.id, teamId, type: 'status', data: { status: 'paused', stopReason: 'paused by user' } }, { tx });
      }
    });
    throw new AppError('SERVICE_UNAVAILABLE', 'could not queue the run; try again', { cause: (err as Error).message });
  }
  await rebalanceTeamQueue({ db: deps.db, queue: deps.queues.train }, teamId).catch(() => undefined);
  return (await findTeamRun(deps.db, teamId, runId))!;
}

/**
 * Deletes a finished run with its metrics, checkpoints, events and files, which also frees
 * its datasets and base model for deletion. A queued, running or paused run must be
 * canceled first (409), and so must an active transfer run that starts from this run's
 * model or one of its checkpoints.
 */
export async function deleteRun(deps: Deps, teamId: string, runId: string): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const run = await findTeamRun(tx, teamId, runId);
    if (!run) throw notFound('run');
    if (ACTIVE_OR_PAUSED.includes(run.status)) {
      throw new AppError('CONFLICT', `run is ${run.status}; cancel it before deleting it`, { status: run.status });
    }
    const checkpointIds = (await tx.checkpoint.findMany({ where: { runId }, select: { id: true } })).map((c) => c.id);
    const dependents = await tx.run.findMany({
      where: {
        teamId,
        status: { in: ACTIVE_OR_PAUSED },
        OR: [
          { spec: { path: ['transfer', 'runId'], equals: runId } },
          ...checkpointIds.map((id) => ({ spec: { path: ['transfer', 'checkpointId'], equals: id } })),
        ],
      },
      select: { id: true },
    });
    if (dependents.length > 0) {
      throw new AppError('CONFLICT', `run is the base of ${dependents.length} active transfer run(s)`, { runIds: dependents.map((r) => r.id) });
    }
    await tx.run.delete({ where: { id: runId } });
  });
  await deps.storage.remove(deps.storage.runDir(runId));
}

const ACTIVE_OR_PAUSED: RunStatus[] = ['queued', 'running', 'paused'];

/** Workers subscribe here to learn that a run they train was canceled. */
export const cancelChannel = (redisPrefix: string) => `${redisPrefix}:control:cancel`;
/** ... and here that it was paused. */
export const pauseChannel = (redisPrefix: string) => `${redisPrefix}:control:pause`;
