import type { DbTx } from '../db/prisma-client.ts';
import { findRun, updateRun } from '../runs/runs.repository.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import type { SearcherConfig } from './experiment.schema.ts';

/**
 * An ASHA trial's run was created to train to maxEpochs as it was then; after an extend raised
 * it, the paused run is given the new end before it resumes (promoted by the driver, or by the
 * experiment's resume), so it trains to it. A run's spec is read when its job starts, so this
 * is only for a paused run.
 */
export async function trainToMaxEpochs(deps: { db: DbTx }, searcher: SearcherConfig, runId: string): Promise<void> {
  const spec = (await findRun(deps.db, runId))?.spec as RunSpec | undefined;
  if (searcher.type !== 'asha' || !spec || spec.fit.epochs >= searcher.maxEpochs) return;
  const epochs = searcher.maxEpochs;
  await updateRun(deps.db, runId, { spec: { ...spec, fit: { ...spec.fit, epochs } } as object, totalEpochs: epochs });
}
