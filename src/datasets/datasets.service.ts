import type { Db, DbTx } from '../db/prisma-client.ts';
import { AppError, notFound } from '../errors/app-error.ts';
import type { Storage } from '../storage/storage.ts';
import { toDatasetDto, type DatasetDto, type DatasetPage } from './dataset.dto.ts';
import { deleteTeamDataset, findRunsUsingDataset, findTeamDataset, listTeamDatasets, lockTeamDataset } from './datasets.repository.ts';
import { keysetPage, type PageQuery } from '../pagination/keyset-page.ts';
import { isUuid } from '../db/is-uuid.ts';

/**
 * The team's dataset, or 404 NOT_FOUND: for another team's id and for a malformed id alike,
 * so answers reveal nothing about what exists.
 */
export async function getDataset(db: DbTx, teamId: string, id: string): Promise<DatasetDto> {
  const row = isUuid(id) ? await findTeamDataset(db, teamId, id) : null;
  if (!row) throw notFound('Dataset');
  return toDatasetDto(row);
}

export function listDatasets(db: DbTx, teamId: string, query: PageQuery): Promise<DatasetPage> {
  return keysetPage(query, (page) => listTeamDatasets(db, teamId, page), toDatasetDto);
}

/**
 * Deletes the dataset row, then its files. Refused with 409 CONFLICT while any run
 * references it: queued and running runs are reading it, and finished runs keep their
 * history (and predict) tied to it; the schema restricts such deletes too.
 */
export async function deleteDataset(db: Db, storage: Storage, teamId: string, id: string): Promise<void> {
  if (!isUuid(id)) throw notFound('Dataset');
  await db.$transaction(async (tx) => {
    if (!(await lockTeamDataset(tx, teamId, id))) throw notFound('Dataset');
    const runs = await findRunsUsingDataset(tx, id);
    const active = runs.filter((r) => r.status === 'queued' || r.status === 'running');
    if (active.length > 0) {
      throw new AppError('CONFLICT', `Dataset is in use by ${active.length} queued or running run(s); cancel them or wait for them to finish`, {
        runIds: active.map((r) => r.id),
      });
    }
    if (runs.length > 0) {
      throw new AppError('CONFLICT', `Dataset is referenced by ${runs.length} finished run(s), whose metrics and models depend on it; it cannot be deleted while they exist`, {
        runIds: runs.map((r) => r.id),
      });
    }
    await deleteTeamDataset(tx, teamId, id);
  });
  // After the commit: a failed delete must never leave a row whose files are gone.
  await storage.remove(storage.datasetDir(id));
}
