import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pendingMigrations, prepareDatabase } from '../../src/db/prepare-database.ts';

describe('prepareDatabase', () => {
  const name = `trainyard_prepare_${randomUUID().slice(0, 8)}`;
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  const admin = new URL(url);
  admin.pathname = '/postgres';

  afterAll(async () => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });

  it('creates a missing database, applies every migration, and is a no-op the second time', async () => {
    await prepareDatabase(url.toString());
    expect(await pendingMigrations(url.toString())).toEqual([]);

    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const tables = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    await client.end();
    expect(tables.rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining(['ApiKey', 'Checkpoint', 'Dataset', 'EpochMetric', 'Run', 'RunEvent', 'Team', '_prisma_migrations']),
    );

    // Two processes starting at once (API and worker) must both succeed.
    await Promise.all([prepareDatabase(url.toString()), prepareDatabase(url.toString())]);
  });
});
