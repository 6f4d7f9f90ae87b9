import pg from 'pg';

/**
 * Advisory lock keys: 64-bit hashes of a namespaced name, so they cannot collide with
 * another application's locks in the same database by accident.
 */
const runKey = (runId: string) => `trainyard:run:${runId}`;
const RECONCILER_KEY = 'trainyard:reconciler';

/**
 * Who trains a run, decided by PostgreSQL rather than Redis: a worker holds a session-level
 * advisory lock per run it trains, on one dedicated connection. Only one session can hold it,
 * so no run is ever trained by two workers at once, even when Redis lost its data or a
 * BullMQ lock expired under a busy worker. A worker that dies loses its connection, and
 * PostgreSQL releases its locks at once; TCP keep-alive covers a host that vanished.
 */
export class RunLeases {
  private readonly client: pg.Client;
  private readonly held = new Set<string>();
  private lost = false;

  constructor(databaseUrl: string, private readonly onLost: (runIds: string[]) => void = () => {}) {
    this.client = new pg.Client({ connectionString: databaseUrl, keepAlive: true, application_name: 'trainyard-run-leases' });
    // Locks die with the connection: every run held is no longer ours to train.
    this.client.on('error', () => this.markLost());
    this.client.on('end', () => this.markLost());
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  /** Takes the run if no live worker holds it; true if this worker now owns it. */
  async tryAcquire(runId: string): Promise<boolean> {
    if (this.lost) return false;
    if (this.held.has(runId)) return true;
    const { rows } = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [runKey(runId)]);
    if (rows[0].ok) this.held.add(runId);
    return rows[0].ok;
  }

  async release(runId: string): Promise<void> {
    if (!this.held.delete(runId) || this.lost) return;
    await this.client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [runKey(runId)]);
  }

  /**
   * Runs `fn` only if no other process is running it under the same name now (the
   * reconciler: one instance at a time across all workers); null when another one is.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T | null> {
    if (this.lost) return null;
    const { rows } = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [RECONCILER_KEY]);
    if (!rows[0].ok) return null;
    try {
      return await fn();
    } finally {
      await this.client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [RECONCILER_KEY]).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.held.clear();
    this.lost = true;
    await this.client.end().catch(() => undefined);
  }

  private markLost() {
    if (this.lost) return;
    this.lost = true;
    const runs = [...this.held];
    this.held.clear();
    this.onLost(runs);
  }
}
