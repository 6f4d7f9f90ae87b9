import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Multipart } from '@fastify/multipart';
import type { ComputeClient } from '../compute/compute-client.ts';
import type { Db, DbTx } from '../db/prisma-client.ts';
import { isUuid } from '../db/is-uuid.ts';
import { AppError, notFound } from '../errors/app-error.ts';
import { MODEL_JSON } from '../model/file-model-io.ts';
import { keysetPage, type PageQuery } from '../pagination/keyset-page.ts';
import type { QuotaGuard } from '../quotas/quota-guard.ts';
import type { Storage } from '../storage/storage.ts';
import { ANY_SIZE, toBaseModelDto, type BaseModelDto } from './base-model.dto.ts';
import { createBaseModel, deleteTeamBaseModel, findRunsUsingBaseModel, findTeamBaseModel, listTeamBaseModels, lockTeamBaseModel } from './base-models.repository.ts';
import { receiveModelUpload } from './model-upload.ts';

export interface UploadDeps {
  db: Db;
  storage: Storage;
  compute: Pick<ComputeClient, 'inspectModel'>;
  /** Most bytes all of one model's files may take (BASE_MODEL_MAX_BYTES). */
  maxBytes: number;
  /** The team's stored-bytes limit counts base models as it counts datasets. */
  quotas: Pick<QuotaGuard, 'assertCanStore'>;
}

/**
 * Turns a multipart model upload into a base model: parts stream to a private work dir, the
 * manifest is checked against the files (names, sizes, no path tricks), the files are laid
 * out under their manifest names in a staging dir, tfjs loads the model there (in the
 * compute child), and the staging dir is renamed into `models/<id>` just before the row is
 * inserted. Whatever fails, the work dir goes and no row or model dir is left behind.
 */
export async function uploadBaseModel(deps: UploadDeps, teamId: string, parts: AsyncIterable<Multipart>): Promise<BaseModelDto> {
  const id = randomUUID();
  const workDir = await deps.storage.ensureDir(path.join(deps.storage.tmpDir(), `model-${id}`));
  const modelDir = deps.storage.baseModelDir(id);
  let placed = false;
  try {
    const received = await deps.storage.ensureDir(path.join(workDir, 'parts'));
    const upload = await receiveModelUpload(parts, received, deps.maxBytes);
    const name = (upload.name ?? 'model').trim();
    if (name.length === 0 || name.length > 200) throw new AppError('VALIDATION_FAILED', 'name must have 1 to 200 characters', { path: ['name'] });

    const staging = path.join(workDir, 'model');
    await mkdir(staging);
    await writeFile(path.join(staging, MODEL_JSON), upload.modelJson);
    // Manifest names were checked to be plain file names; the clients' own names are never paths.
    for (const [file, received] of upload.weights) await rename(received.path, path.join(staging, file));
    const bytes = Buffer.byteLength(upload.modelJson) + [...upload.weights.values()].reduce((n, f) => n + f.bytes, 0);
    const inspection = await deps.compute.inspectModel(staging);

    await deps.storage.ensureDir(path.dirname(modelDir));
    await rename(staging, modelDir);
    placed = true;
    const row = await deps.db.$transaction(async (tx) => {
      await deps.quotas.assertCanStore(tx, teamId, bytes);
      return createBaseModel(tx, {
        id,
        teamId,
        name,
        format: upload.checked.format,
        inputShape: inspection.inputShape.map((d) => d ?? ANY_SIZE),
        summary: inspection.summary,
        bytes,
      });
    });
    return toBaseModelDto(row);
  } catch (err) {
    if (placed) await deps.storage.remove(modelDir);
    throw err;
  } finally {
    await deps.storage.remove(workDir);
  }
}

/** The team's base model, or 404 for another team's id and a malformed one alike. */
export async function getBaseModel(db: DbTx, teamId: string, id: string): Promise<BaseModelDto> {
  const row = isUuid(id) ? await findTeamBaseModel(db, teamId, id) : null;
  if (!row) throw notFound('base model');
  return toBaseModelDto(row);
}

export function listBaseModels(db: DbTx, teamId: string, query: PageQuery) {
  return keysetPage(query, (page) => listTeamBaseModels(db, teamId, page), toBaseModelDto);
}

/**
 * Deletes the row, then the files. 409 CONFLICT while any run references the model: queued
 * and running runs read it, finished ones keep their history tied to it (the schema
 * restricts such deletes too).
 */
export async function deleteBaseModel(db: Db, storage: Storage, teamId: string, id: string): Promise<void> {
  if (!isUuid(id)) throw notFound('base model');
  await db.$transaction(async (tx) => {
    if (!(await lockTeamBaseModel(tx, teamId, id))) throw notFound('base model');
    const runs = await findRunsUsingBaseModel(tx, id);
    if (runs.length > 0) {
      throw new AppError('CONFLICT', `Base model is used by ${runs.length} run(s); it cannot be deleted while they exist`, { runIds: runs.map((r) => r.id) });
    }
    await deleteTeamBaseModel(tx, teamId, id);
  });
  await storage.remove(storage.baseModelDir(id));
}
