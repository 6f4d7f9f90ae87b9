import type { DbTx } from '../db/prisma-client.ts';
import type { ExperimentEvent as ExperimentEventRow } from '../generated/prisma/client.ts';
import type { ExperimentEvent, ExperimentEventMap, ExperimentEventType } from './experiment-event-map.ts';

export interface AppendExperimentEventInput<T extends ExperimentEventType = ExperimentEventType> {
  experimentId: string;
  type: T;
  data: ExperimentEventMap[T];
}

function toExperimentEvent(row: ExperimentEventRow): ExperimentEvent {
  return { seq: row.seq, type: row.type, experimentId: row.experimentId, at: row.createdAt.toISOString(), ...(row.data as object) } as ExperimentEvent;
}

/**
 * Numbers and stores one event inside the caller's transaction, as appendRunEvent does for
 * runs: the UPDATE holds the experiment row's lock until commit, so numbers are unique,
 * gapless and commit in increasing order. Returns the event and the team it belongs to.
 */
export async function appendExperimentEvent(tx: DbTx, input: AppendExperimentEventInput): Promise<{ event: ExperimentEvent; teamId: string }> {
  const [bumped] = await tx.$queryRaw<{ eventSeq: number; teamId: string }[]>`
    UPDATE "Experiment" SET "eventSeq" = "eventSeq" + 1 WHERE "id" = ${input.experimentId} RETURNING "eventSeq", "teamId"`;
  if (!bumped) throw new Error(`experiment ${input.experimentId} not found`);
  const row = await tx.experimentEvent.create({
    data: { experimentId: input.experimentId, seq: bumped.eventSeq, teamId: bumped.teamId, type: input.type, data: input.data as object },
  });
  return { event: toExperimentEvent(row), teamId: bumped.teamId };
}

/** Events of one experiment with `seq > afterSeq`, oldest first, if the team owns them. */
export async function listExperimentEvents(
  db: DbTx,
  { experimentId, teamId, afterSeq, limit }: { experimentId: string; teamId: string; afterSeq: number; limit: number },
): Promise<ExperimentEvent[]> {
  const rows = await db.experimentEvent.findMany({ where: { experimentId, teamId, seq: { gt: afterSeq } }, orderBy: { seq: 'asc' }, take: limit });
  return rows.map(toExperimentEvent);
}
