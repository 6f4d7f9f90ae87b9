import path from 'node:path';
import type { Storage } from '../src/storage/storage.ts';
import type { RunRecorder } from './run-recorder.ts';

/**
 * modelCheckpoint.keep: once a new checkpoint is recorded, the oldest beyond `keep` lose
 * their rows (with a log event) and then their files. The latest checkpoint, which a resumed
 * run starts from, is never removed.
 */
export async function applyCheckpointRetention(deps: { storage: Storage; recorder: RunRecorder }, keep: number | undefined): Promise<void> {
  if (keep === undefined) return;
  const removed = await deps.recorder.pruneCheckpoints(keep);
  for (const dir of removed) {
    // Rows only ever hold paths we wrote under STORAGE_DIR; anything else is left alone.
    if (path.resolve(dir).startsWith(deps.storage.root + path.sep)) await deps.storage.remove(dir);
  }
}
