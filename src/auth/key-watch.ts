import type { DbTx } from '../db/prisma-client.ts';
import { findActiveKeyIds } from './api-keys.repository.ts';

/**
 * WebSocket close code for a stream whose API key was revoked (or deleted) while it was open.
 * In the 4000-4999 range RFC 6455 leaves to applications; 4401 echoes HTTP's 401.
 */
export const KEY_REVOKED_CLOSE_CODE = 4401;

/**
 * Tells long-lived connections when their key stops being valid. A key is checked once, at the
 * upgrade; without this a stream outlived its key's revocation for as long as the client liked.
 * One timer re-checks every watched key in a single query per interval, however many sockets
 * are open, so revocation by any means (the admin CLI, SQL) is noticed within one interval.
 */
export class KeyWatch {
  private readonly watchers = new Map<string, Set<() => void>>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    private readonly db: DbTx,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Calls `onRevoked` once when `keyId` is found revoked; the returned function stops watching. */
  watch(keyId: string, onRevoked: () => void): () => void {
    let set = this.watchers.get(keyId);
    if (!set) this.watchers.set(keyId, (set = new Set()));
    set.add(onRevoked);
    this.timer ??= setInterval(() => void this.check(), this.intervalMs);
    return () => this.unwatch(keyId, onRevoked);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watchers.clear();
  }

  private unwatch(keyId: string, onRevoked: () => void): void {
    const set = this.watchers.get(keyId);
    set?.delete(onRevoked);
    if (set?.size === 0) this.watchers.delete(keyId);
    if (this.watchers.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private async check(): Promise<void> {
    if (this.checking || this.watchers.size === 0) return;
    this.checking = true;
    try {
      const ids = [...this.watchers.keys()];
      const active = await findActiveKeyIds(this.db, ids);
      for (const id of ids) {
        if (active.has(id)) continue;
        const set = this.watchers.get(id);
        this.watchers.delete(id);
        for (const onRevoked of set ?? []) onRevoked();
      }
    } catch (err) {
      // A database hiccup must not close every stream: keep them and try again next interval.
      this.onError(err);
    } finally {
      this.checking = false;
    }
  }
}
