import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where an unfinished epoch stood when a mid-epoch checkpoint was written: what a resumed
 * run needs, besides weights, optimizer and callbacks, to finish the epoch exactly as an
 * uninterrupted one would (skip the batches done, go on summing the metrics from here).
 */
export interface EpochProgress {
  /** The epoch in progress (1-based, run-wide). */
  epoch: number;
  /** Batches of `epoch` trained; a resumed run skips this many of the epoch's (seeded) batches. */
  batch: number;
  /** Training samples in those batches. */
  seen: number;
  /** Per metric name (model.metricsNames), the sum of batch value × batch size so far. */
  sums: Record<string, number>;
  /** Milliseconds spent training those batches, so the epoch's duration and speed count them. */
  trainMs: number;
}

export const EPOCH_PROGRESS_JSON = 'epoch-progress.json';

/** JSON numbers round-trip doubles exactly, so the resumed sums equal the uninterrupted ones. */
export async function saveEpochProgress(dir: string, progress: EpochProgress): Promise<void> {
  await writeFile(path.join(dir, EPOCH_PROGRESS_JSON), JSON.stringify(progress));
}

export async function loadEpochProgress(dir: string): Promise<EpochProgress> {
  const p = JSON.parse(await readFile(path.join(dir, EPOCH_PROGRESS_JSON), 'utf8')) as EpochProgress;
  const ok = Number.isInteger(p.epoch) && Number.isInteger(p.batch) && p.batch >= 0 && Number.isFinite(p.seen) && typeof p.sums === 'object' && p.sums !== null;
  if (!ok) throw new Error(`${EPOCH_PROGRESS_JSON} is malformed`);
  return { ...p, trainMs: Number.isFinite(p.trainMs) ? p.trainMs : 0 };
}
