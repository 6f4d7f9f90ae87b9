import type { DbTx } from '../db/prisma-client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { PageCursor } from '../pagination/page-cursor.ts';
import { afterCursor, NEWEST_FIRST } from '../pagination/keyset-page.ts';
import type { ParsedDataset } from './parsed-dataset.ts';

export interface NewDataset extends ParsedDataset {
  id: string;
  teamId: string;
  name: string;
  format: string;
}

/** Records a dataset whose files are already in place, hence `ready`. */
export async function createReadyDataset(db: DbTx, dataset: NewDataset) {
  const { bytes, preprocessing, ...rest } = dataset;
  return db.dataset.create({
    data: { ...rest, status: 'ready', bytes: BigInt(bytes), preprocessing: preprocessing as Prisma.InputJsonValue },
  });
}

/** A dataset by id alone: for a run's own datasets, which its team was checked to own when it was queued. */
export function findDataset(db: DbTx, id: string) {
  return db.dataset.findUnique({ where: { id } });
}

export function findDatasetOrThrow(db: DbTx, id: string) {
  return db.dataset.findUniqueOrThrow({ where: { id } });
}

export async function findTeamDataset(db: DbTx, teamId: string, id: string) {
  return db.dataset.findFirst({ where: { id, teamId } });
}

/** Newest first; `after` continues from a previous page's last item. */
export async function listTeamDatasets(db: DbTx, teamId: string, { take, after }: { take: number; after?: PageCursor }) {
  return db.dataset.findMany({
    where: {
      teamId,
      ...afterCursor(after),
    },
    orderBy: NEWEST_FIRST,
    take,
  });
}

/** Every run referencing the dataset to train, validate or test on, whatever its status (the foreign keys restrict deletes). */
export async function findRunsUsingDataset(db: DbTx, datasetId: string) {
  return db.run.findMany({
    where: { OR: [{ datasetId }, { validationDatasetId: datasetId }, { testDatasetId: datasetId }] },
    select: { id: true, status: true },
    orderBy: { createdAt: 'asc' },
  });
}

/**
 * Locks the row until the transaction ends, so a run cannot start referencing the dataset
 * between the check and the delete (its foreign key insert waits on this lock).
 */
export async function lockTeamDataset(db: DbTx, teamId: string, id: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT id FROM "Dataset" WHERE id = ${id} AND "teamId" = ${teamId} FOR UPDATE`;
  return rows.length > 0;
}

export async function deleteTeamDataset(db: DbTx, teamId: string, id: string): Promise<boolean> {
  const { count } = await db.dataset.deleteMany({ where: { id, teamId } });
  return count > 0;
}
