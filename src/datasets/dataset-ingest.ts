import { randomUUID } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Multipart } from '@fastify/multipart';
import type { Db } from '../db/prisma-client.ts';
import type { QuotaGuard } from '../quotas/quota-guard.ts';
import type { Storage } from '../storage/storage.ts';
import { parseCsvDataset } from './csv.parser.ts';
import { toDatasetDto, type DatasetDto } from './dataset.dto.ts';
import { createReadyDataset } from './datasets.repository.ts';
import { parseIdxDataset } from './idx.parser.ts';
import { parseImageZipDataset } from './image-zip.parser.ts';
import type { ParsedDataset } from './parsed-dataset.ts';
import { receiveUpload } from './upload-receiver.ts';
import { assertStorableText } from './storable-text.ts';
import { readUploadRequest, type UploadRequest } from './upload-request.ts';
import type { ZipLimits } from './zip-archive.ts';
import { WriteBudget } from './write-budget.ts';

export interface IngestDeps {
  db: Db;
  /** When given, the team's stored-bytes limit is checked against the parsed size before the row is written. */
  quotas?: QuotaGuard;
  storage: Storage;
  /** Zip bomb guards for image-zip uploads (config.datasets.zip). */
  zipLimits: ZipLimits;
}

/**
 * Turns a multipart upload into a ready dataset: parts are streamed to a private work dir
 * under `tmp/`, parsed into a staging dir beside them, and the staging dir is renamed into
 * `datasets/<id>` (atomic on one filesystem) just before the row is inserted. Whatever
 * fails, the work dir goes and no row or dataset dir is left behind.
 */
export async function ingestDataset({ db, storage, quotas, zipLimits }: IngestDeps, teamId: string, parts: AsyncIterable<Multipart>): Promise<DatasetDto> {
  const id = randomUUID();
  const workDir = await storage.ensureDir(path.join(storage.tmpDir(), `upload-${id}`));
  const datasetDir = storage.datasetDir(id);
  let placed = false;
  try {
    const upload = readUploadRequest(await receiveUpload(parts, workDir));
    const stagingDir = path.join(workDir, 'dataset');
    await mkdir(stagingDir);
    const parsed = await parse(upload, stagingDir, zipLimits, await uploadBudget(db, quotas, teamId));
    await storage.ensureDir(path.dirname(datasetDir));
    await rename(stagingDir, datasetDir);
    placed = true;
    assertStorableText(upload.name, 'VALIDATION_FAILED', 'The dataset name');
    assertStorableText({ classNames: parsed.classNames, preprocessing: parsed.preprocessing }, 'INVALID_DATASET', 'The dataset (a class label or column name)');
    const row = await db.$transaction(async (tx) => {
      // In the transaction that inserts the row, under the team lock, so parallel uploads cannot overshoot together.
      await quotas?.assertCanStore(tx, teamId, parsed.bytes);
      return createReadyDataset(tx, { ...parsed, id, teamId, name: upload.name, format: upload.format });
    });
    return toDatasetDto(row);
  } catch (err) {
    if (placed) await storage.remove(datasetDir);
    throw err;
  } finally {
    await storage.remove(workDir);
  }
}

/** The team's remaining storage quota as a budget the parsers spend while writing, or none. */
async function uploadBudget(db: Db, quotas: QuotaGuard | undefined, teamId: string): Promise<WriteBudget | undefined> {
  const usage = await quotas?.storeUsage(db, teamId);
  if (!usage) return undefined;
  const left = usage.limit > usage.current ? Number(usage.limit - usage.current) : 0;
  return new WriteBudget(left, (requested) => quotas!.storageExceeded(requested, usage));
}

function parse(upload: UploadRequest, outDir: string, zipLimits: ZipLimits, budget?: WriteBudget): Promise<ParsedDataset> {
  switch (upload.format) {
    case 'csv':
      // gzip files obey the zip entries' ratio limit: one knob for every compressed upload.
      return parseCsvDataset(upload.file.path, { label: upload.label, task: upload.task, header: upload.header, maxCompressionRatio: zipLimits.maxCompressionRatio }, outDir, budget);
    case 'idx':
      return parseIdxDataset(upload.images.path, upload.labels.path, outDir, { maxCompressionRatio: zipLimits.maxCompressionRatio, budget });
    case 'image-zip':
      return parseImageZipDataset(upload.file.path, { width: upload.width, height: upload.height, color: upload.color }, zipLimits, outDir, budget);
  }
}
