import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** PostgreSQL truncates identifiers past 63 bytes; leave room for the suffixes test files add (`_flush_<pid>`). */
const MAX_BASE_LENGTH = 30;

/**
 * A database URL unique to this test run: the configured name plus the process id and random
 * bytes, so two runs on one machine (two `.ci/run`s, two engineers) never drop each other's
 * database mid-run.
 */
export function uniqueDatabaseUrl(base: string): string {
  const url = new URL(base);
  const name = url.pathname.slice(1).slice(0, MAX_BASE_LENGTH);
  url.pathname = `/${name}_${process.pid}_${randomBytes(3).toString('hex')}`;
  return url.toString();
}

export function databaseName(databaseUrl: string): string {
  return new URL(databaseUrl).pathname.slice(1);
}

/** Drops the database of `databaseUrl` (its connections too), through the server's `postgres` database. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${databaseName(databaseUrl)}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
