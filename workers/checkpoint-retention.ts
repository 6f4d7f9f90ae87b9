import path from 'node:path';
import type { Storage } from '../src/storage/storage.ts';
import type { RunRecorder } from './run-recorder.ts';

/**
 * modelCheckpoint.keep: once a new end-of-epoch checkpoint is recorded, the oldest end-of-epoch
 * ones beyond `keep` lose their rows (with a log event) and then their files. The latest, which
 * a resumed run starts from unless a newer mid-epoch checkpoint exists, is never removed;
 * mid-epoch checkpoints are not counted (RunRecorder.checkpoint keeps only the newest).
 */
export async function applyCheckpointRetention(deps: { storage: Storage; recorder: RunRecorder }, keep: number | undefined): Promise<void> {
  if (keep === undefined) return;
  await removeCheckpointDirs(deps.storage, await deps.recorder.pruneCheckpoints(keep));
}

/** Removes the directories of checkpoints whose rows are gone. */
export async function removeCheckpointDirs(storage: Storage, dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    // Rows only ever hold paths we wrote under STORAGE_DIR; anything else is left alone.
    if (path.resolve(dir).startsWith(storage.root + path.sep)) await storage.remove(dir);
  }
}
