import { access } from 'node:fs/promises';
import path from 'node:path';
import type { DbTx } from '../db/prisma-client.ts';
import { AppError } from '../errors/app-error.ts';
import { MODEL_JSON } from '../model/file-model-io.ts';
import { findTeamBaseModel } from '../models/base-models.repository.ts';
import type { Storage } from '../storage/storage.ts';
import { findTeamCheckpoint, findTeamRun } from './runs.repository.ts';
import type { TransferSpec } from '../spec/transfer-spec.schema.ts';

export interface TransferSource {
  /** Holds model.json and its weight files. */
  dir: string;
  /** Set for an uploaded base model, so the run row references it (and the model cannot be deleted under it). */
  baseModelId: string | null;
}

/**
 * Where a transfer run's base model is, for the team: an uploaded model, another run's final
 * model, or one of its checkpoints. Another team's id answers 404 like an unknown one; a
 * run without a trained model (or a checkpoint whose files are gone) answers 409 NO_MODEL.
 */
export async function resolveTransferSource(db: DbTx, storage: Storage, teamId: string, transfer: Pick<TransferSpec, 'runId' | 'checkpointId' | 'modelId'>): Promise<TransferSource> {
  if (transfer.modelId) {
    const row = await findTeamBaseModel(db, teamId, transfer.modelId);
    if (!row) throw new AppError('NOT_FOUND', 'base model not found', { path: ['transfer', 'modelId'] });
    return { dir: storage.baseModelDir(row.id), baseModelId: row.id };
  }
  if (transfer.runId) {
    const run = await findTeamRun(db, teamId, transfer.runId);
    if (!run) throw new AppError('NOT_FOUND', 'run not found', { path: ['transfer', 'runId'] });
    const dir = storage.modelDir(run.id);
    if (!(await hasModel(dir))) throw new AppError('NO_MODEL', `run ${run.id} has no trained model to start from (it is ${run.status}); use one of its checkpoints`, { path: ['transfer', 'runId'], status: run.status });
    return { dir, baseModelId: null };
  }
  const checkpoint = transfer.checkpointId ? await findTeamCheckpoint(db, teamId, transfer.checkpointId) : null;
  if (!checkpoint) throw new AppError('NOT_FOUND', 'checkpoint not found', { path: ['transfer', 'checkpointId'] });
  // A mid-epoch checkpoint goes as soon as its run writes the next checkpoint: no base to build on.
  if (checkpoint.batch !== null) throw new AppError('NO_MODEL', 'a mid-epoch checkpoint only serves resuming its run and is replaced by the next one; use an end-of-epoch checkpoint', { path: ['transfer', 'checkpointId'] });
  if (!(await hasModel(checkpoint.path))) throw new AppError('NO_MODEL', 'the checkpoint\'s files are gone', { path: ['transfer', 'checkpointId'] });
  return { dir: checkpoint.path, baseModelId: null };
}

const hasModel = (dir: string) => access(path.join(dir, MODEL_JSON)).then(() => true, () => false);
