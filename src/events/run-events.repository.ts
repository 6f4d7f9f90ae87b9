import type { DbTx } from '../db/prisma-client.ts';
import type { RunEvent as RunEventRow } from '../generated/prisma/client.ts';
import { AppError } from '../errors/app-error.ts';
import type { RunEvent, RunEventMap, RunEventType } from './run-event-map.ts';

export interface AppendRunEventInput<T extends RunEventType = RunEventType> {
  runId: string;
  teamId: string;
  type: T;
  data: RunEventMap[T];
}

/** A stored row as subscribers receive it: `{ seq, type, runId, at, ...data }`. */
export function toRunEvent(row: Pick<RunEventRow, 'runId' | 'seq' | 'type' | 'data' | 'createdAt'>): RunEvent {
  return {
    seq: row.seq,
    type: row.type,
    runId: row.runId,
    at: row.createdAt.toISOString(),
    ...(row.data as object),
  } as RunEvent;
}

/**
 * Numbers and stores one event inside the caller's transaction. The UPDATE takes the run
 * row's lock until the transaction ends, so concurrent publishers of one run queue up
 * behind it: numbers are unique, gapless, and commit in increasing order (a reader that
 * sees seq N also sees every seq below N).
 */
export async function appendRunEvent<T extends RunEventType>(tx: DbTx, input: AppendRunEventInput<T>): Promise<RunEvent<T>> {
  const bumped = await tx.$queryRaw<{ eventSeq: number }[]>`
    UPDATE "Run" SET "eventSeq" = "eventSeq" + 1
    WHERE "id" = ${input.runId} AND "teamId" = ${input.teamId}
    RETURNING "eventSeq"`;
  // Also checks the team, so an event can never be announced on another team's channel.
  if (bumped.length === 0) throw new AppError('NOT_FOUND', 'run not found', { runId: input.runId });
  const row = await tx.runEvent.create({
    data: { runId: input.runId, seq: bumped[0].eventSeq, teamId: input.teamId, type: input.type, data: input.data as object },
  });
  return toRunEvent(row) as unknown as RunEvent<T>;
}

/** Events of one run with `seq > afterSeq`, oldest first; `teamId`, when given, must own them. */
export async function listRunEvents(
  db: DbTx,
  { runId, afterSeq, limit, teamId }: { runId: string; afterSeq: number; limit: number; teamId?: string },
): Promise<RunEvent[]> {
  const rows = await db.runEvent.findMany({
    where: { runId, seq: { gt: afterSeq }, ...(teamId ? { teamId } : {}) },
    orderBy: { seq: 'asc' },
    take: limit,
  });
  return rows.map(toRunEvent);
}

/** One stored event, or null (used to announce exactly what was committed). */
export async function findRunEvent(db: DbTx, runId: string, seq: number): Promise<RunEvent | null> {
  const row = await db.runEvent.findUnique({ where: { runId_seq: { runId, seq } } });
  return row ? toRunEvent(row) : null;
}

/** A team's events created after `since`, oldest first (per run, in `seq` order). */
export async function listTeamEventsSince(
  db: DbTx,
  { teamId, since, limit }: { teamId: string; since: Date; limit: number },
): Promise<RunEvent[]> {
  const rows = await db.runEvent.findMany({
    where: { teamId, createdAt: { gt: since } },
    orderBy: [{ createdAt: 'asc' }, { runId: 'asc' }, { seq: 'asc' }],
    take: limit,
  });
  return rows.map(toRunEvent);
}

/** The run's last handed-out seq if the run belongs to the team, else null. */
export async function findTeamRunEventSeq(db: DbTx, { runId, teamId }: { runId: string; teamId: string }): Promise<number | null> {
  const run = await db.run.findFirst({ where: { id: runId, teamId }, select: { eventSeq: true } });
  return run ? run.eventSeq : null;
}

/** Blocks until no open transaction holds the run row's lock (the after-commit wait of event-publisher.ts). */
export async function waitForRunRowLock(db: DbTx, runId: string): Promise<void> {
  await db.$queryRaw`SELECT 1 FROM "Run" WHERE "id" = ${runId} FOR SHARE`;
}
