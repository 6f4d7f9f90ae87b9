import pg from 'pg';
import { prepareDatabase } from '../src/db/prepare-database.ts';

/**
 * One fresh database per test run, migrated with the same code `npm start` uses. Tests
 * isolate from each other by creating their own teams and Redis prefixes.
 */
export default async function setup() {
  const base = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/trainyard_test';
  const url = new URL(base);
  const name = url.pathname.slice(1);
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
  await prepareDatabase(base);
  process.env.DATABASE_URL = base;
}
