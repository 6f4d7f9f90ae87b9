import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { databaseName, dropAbandonedDatabases } from './test-database.ts';

const configured = databaseName(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/trainyard_test');

describe('the test run database', () => {
  it('is unique to this run: the configured name plus a pid and random suffix, and it exists', async () => {
    const url = process.env.DATABASE_URL!;
    const name = databaseName(url);
    expect(name).not.toBe(configured);
    expect(name).toMatch(new RegExp(`^${configured.slice(0, 30)}_\\d+_[0-9a-f]{6}$`));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT current_database() AS name');
    await client.end();
    expect(rows[0].name).toBe(name);
  });
});

describe('databases of killed test runs', () => {
  it('are dropped by the next run; a live run\'s database is kept', async () => {
    const base = 'postgresql://postgres@127.0.0.1:5432/trainyard_abandon_probe';
    const dead = `trainyard_abandon_probe_999999999_abcdef`;
    const live = `trainyard_abandon_probe_${process.pid}_abcdef`;
    const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    try {
      for (const name of [dead, live]) await admin.query(`CREATE DATABASE "${name}"`);
      expect(await dropAbandonedDatabases(base)).toEqual([dead]);
      const { rows } = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'trainyard_abandon_probe%'");
      expect(rows.map((r) => r.datname)).toEqual([live]);
    } finally {
      for (const name of [dead, live]) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
