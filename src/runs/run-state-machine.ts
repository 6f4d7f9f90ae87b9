import type { DbTx } from '../db/prisma-client.ts';
import { AppError } from '../errors/app-error.ts';
import { publishRunEvent, type EventPublisherDeps } from '../events/event-publisher.ts';
import type { RunEventMap } from '../events/run-event-map.ts';
import type { Prisma, RunStatus } from '../generated/prisma/client.ts';
import { createRun, updateRunWhereStatus } from './runs.repository.ts';

/**
 * The run lifecycle, the one place that knows it. Every status change in the code goes
 * through {@link transitionRun}: one conditional UPDATE (`WHERE status IN (legal sources)`),
 * so two actors racing for one run (a cancel and a worker starting it, say) cannot both win,
 * and the status event is published in the same transaction only when the row really changed.
 *
 * - queued → running (a worker starts it), paused (user), canceled (user), failed (its data is gone)
 * - running → running (another worker takes over a dead one's run), queued (handed back at
 *   shutdown), paused, completed, canceled, failed
 * - paused → queued (resumed), canceled
 * - completed → queued: only an experiment's trial trained further after its maxEpochs was
 *   extended (runs.service continueRun); users cannot resume a completed run
 * - failed, canceled: final
 */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'paused', 'canceled', 'failed'],
  running: ['running', 'queued', 'paused', 'completed', 'canceled', 'failed'],
  paused: ['queued', 'canceled'],
  completed: ['queued'],
  failed: [],
  canceled: [],
};

/** Statuses a run is still going in (or may go on from): it holds its datasets and base model. */
export const UNFINISHED_STATUSES: RunStatus[] = ['queued', 'running', 'paused'];

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** The statuses `to` may be reached from. */
export function sourcesOf(to: RunStatus): RunStatus[] {
  return (Object.keys(RUN_TRANSITIONS) as RunStatus[]).filter((from) => canTransition(from, to));
}

export interface Transition<To extends RunStatus = RunStatus> {
  to: To;
  /** Narrows the legal sources (a handoff moves only a running run back to queued); each must be legal. */
  from?: RunStatus[];
  /** Columns written with the status (stopReason, finishedAt, workerId...). */
  data?: Omit<Prisma.RunUncheckedUpdateManyInput, 'status'>;
  /** The status event's fields beside `status` (stopReason, error, backend, workerId). */
  event?: Omit<RunEventMap['status'], 'status'>;
  /** A log line published just before the status event, in the same transaction, only if the row changed. */
  log?: RunEventMap['log'];
}

/**
 * Applies one transition inside the caller's transaction; returns whether the run was in a
 * legal source status (and so changed). A transition that no status could ever make (a
 * `from` that cannot reach `to`) is a bug in the caller: AppError ILLEGAL_TRANSITION.
 */
export async function transitionRun(deps: EventPublisherDeps, tx: DbTx, run: { id: string; teamId: string }, t: Transition): Promise<boolean> {
  const legal = sourcesOf(t.to);
  const illegal = (t.from ?? []).filter((s) => !legal.includes(s));
  if (illegal.length > 0) {
    throw new AppError('ILLEGAL_TRANSITION', `a run cannot go from ${illegal.join(' or ')} to ${t.to}`, { from: illegal, to: t.to });
  }
  const changed = await updateRunWhereStatus(tx, run.id, t.from ?? legal, { ...t.data, status: t.to });
  if (!changed) return false;
  if (t.log) await publishRunEvent(deps, { runId: run.id, teamId: run.teamId, type: 'log', data: t.log }, { tx });
  await publishRunEvent(deps, { runId: run.id, teamId: run.teamId, type: 'status', data: { status: t.to, ...t.event } }, { tx });
  return true;
}

/** A run is born queued: the row and its first status event commit together, in the caller's transaction. */
export async function insertQueuedRun(deps: EventPublisherDeps, tx: DbTx, data: Omit<Prisma.RunUncheckedCreateInput, 'status'>) {
  const run = await createRun(tx, { ...data, status: 'queued' });
  await publishRunEvent(deps, { runId: run.id, teamId: run.teamId, type: 'status', data: { status: 'queued' } }, { tx });
  return run;
}
