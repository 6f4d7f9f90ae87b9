import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { databaseName } from './test-database.ts';

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
