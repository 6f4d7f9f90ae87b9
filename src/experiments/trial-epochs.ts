import type { DbTx } from '../db/prisma-client.ts';
import { findRun, updateRun } from '../runs/runs.repository.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import type { SearcherConfig } from './experiment.schema.ts';

/**
 * An ASHA trial's run was created to train to maxEpochs as it was then; after an extend raised
 * it, the run is given the new end before it goes back to the queue (a paused one promoted by
 * the driver or resumed with its experiment, a completed one continued), so it trains to it. A
 * run's spec is read when its job starts, so this is only for a run that is not training.
 */
export async function trainToMaxEpochs(deps: { db: DbTx }, searcher: SearcherConfig, runId: string): Promise<void> {
  const spec = (await findRun(deps.db, runId))?.spec as RunSpec | undefined;
  if (searcher.type !== 'asha' || !spec || spec.fit.epochs >= searcher.maxEpochs) return;
  const epochs = searcher.maxEpochs;
  await updateRun(deps.db, runId, { spec: { ...spec, fit: { ...spec.fit, epochs } } as object, totalEpochs: epochs });
}
