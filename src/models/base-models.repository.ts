import type { DbTx } from '../db/prisma-client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { PageCursor } from '../pagination/page-cursor.ts';
import { afterCursor, NEWEST_FIRST } from '../pagination/keyset-page.ts';

export interface NewBaseModel {
  id: string;
  teamId: string;
  name: string;
  format: string;
  inputShape: number[];
  summary: object;
  bytes: number;
}

export function createBaseModel(db: DbTx, model: NewBaseModel) {
  const { bytes, summary, ...rest } = model;
  return db.baseModel.create({ data: { ...rest, bytes: BigInt(bytes), summary: summary as Prisma.InputJsonValue } });
}

export function findTeamBaseModel(db: DbTx, teamId: string, id: string) {
  return db.baseModel.findFirst({ where: { id, teamId } });
}

/** Newest first; `after` continues from a previous page's last item. */
export function listTeamBaseModels(db: DbTx, teamId: string, { take, after }: { take: number; after?: PageCursor }) {
  return db.baseModel.findMany({
    where: {
      teamId,
      ...afterCursor(after),
    },
    orderBy: NEWEST_FIRST,
    take,
  });
}

/** Locks the row until the transaction ends, so no run can start referencing it between the check and the delete. */
export async function lockTeamBaseModel(db: DbTx, teamId: string, id: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT id FROM "BaseModel" WHERE id = ${id} AND "teamId" = ${teamId} FOR UPDATE`;
  return rows.length > 0;
}

export function findRunsUsingBaseModel(db: DbTx, baseModelId: string) {
  return db.run.findMany({ where: { baseModelId }, select: { id: true, status: true }, orderBy: { createdAt: 'asc' } });
}

export function deleteTeamBaseModel(db: DbTx, teamId: string, id: string) {
  return db.baseModel.deleteMany({ where: { id, teamId } });
}
