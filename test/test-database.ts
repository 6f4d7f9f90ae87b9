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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Drops the databases earlier runs of this configured name left behind when they were killed
 * before their teardown (a timeout, Ctrl-C): those whose process is gone. A live run's database
 * is never touched. The server is local, so a pid names a process on this machine.
 */
export async function dropAbandonedDatabases(base: string): Promise<string[]> {
  const admin = new URL(base);
  const prefix = admin.pathname.slice(1).slice(0, MAX_BASE_LENGTH);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [`${prefix}_`]);
    const abandoned = rows
      .map((r) => r.datname)
      .filter((name) => {
        const match = /_(\d+)_[0-9a-f]{6}$/.exec(name);
        return match && name === `${prefix}_${match[1]}_${name.slice(-6)}` && !isAlive(Number(match[1]));
      });
    for (const name of abandoned) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return abandoned;
  } finally {
    await client.end();
  }
}
