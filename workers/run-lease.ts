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
  private client: pg.Client | null = null;
  private readonly held = new Set<string>();
  private lost = true;
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly onLost: (runIds: string[]) => void = () => {},
  ) {}

  /** Opens the lease connection; fails when PostgreSQL cannot be reached. */
  async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, keepAlive: true, application_name: 'trainyard-run-leases' });
    // Locks die with the connection: every run held is no longer ours to train.
    client.on('error', () => this.markLost(client));
    client.on('end', () => this.markLost(client));
    await client.connect().catch(async (err: Error) => {
      await client.end().catch(() => undefined);
      throw err;
    });
    this.client = client;
    this.lost = false;
  }

  /**
   * After the connection was lost (PostgreSQL restarted, the network broke): connects again,
   * retrying with a growing pause until it works or the leases are closed. Resolves true once
   * connected; the runs held before are not held again (another worker may have them now).
   */
  async reconnect(maxPauseMs = 5000): Promise<boolean> {
    for (let pause = 250; !this.closed; pause = Math.min(maxPauseMs, pause * 2)) {
      if (!this.lost) return true;
      try {
        await this.connect();
        return true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
    return false;
  }

  /** Whether the lease connection is up: without it this worker may not take any run. */
  get available(): boolean {
    return !this.lost && !this.closed;
  }

  /** Takes the run if no live worker holds it; true if this worker now owns it. */
  async tryAcquire(runId: string): Promise<boolean> {
    if (this.lost) return false;
    if (this.held.has(runId)) return true;
    const { rows } = await this.client!.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [runKey(runId)]);
    if (rows[0].ok) this.held.add(runId);
    return rows[0].ok;
  }

  async release(runId: string): Promise<void> {
    if (!this.held.delete(runId) || this.lost) return;
    await this.client!.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [runKey(runId)]);
  }

  /**
   * Runs `fn` only if no other process is running it under the same name now (the
   * reconciler: one instance at a time across all workers); null when another one is.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T | null> {
    if (this.lost) return null;
    const client = this.client!;
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [RECONCILER_KEY]);
    if (!rows[0].ok) return null;
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [RECONCILER_KEY]).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.held.clear();
    this.lost = true;
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }

  private markLost(client: pg.Client) {
    // A client replaced by a reconnect may still report its end: it no longer matters.
    if (this.lost || client !== this.client) return;
    this.lost = true;
    const runs = [...this.held];
    this.held.clear();
    this.onLost(runs);
  }
}
