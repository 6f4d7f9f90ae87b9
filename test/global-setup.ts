import { prepareDatabase } from '../src/db/prepare-database.ts';
import { dropAbandonedDatabases, dropDatabase, uniqueDatabaseUrl } from './test-database.ts';

/**
 * One fresh database per test run, migrated with the same code `npm start` uses, and dropped
 * when the run ends (or by the next run, when this one is killed first). Its name is `TEST_DATABASE_URL`'s plus a per-run suffix, so concurrent
 * runs on one machine cannot collide. Tests isolate from each other by creating their own
 * teams and Redis prefixes.
 */
export default async function setup() {
  const base = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/trainyard_test';
  await dropAbandonedDatabases(base);
  const url = uniqueDatabaseUrl(base);
  await prepareDatabase(url);
  process.env.DATABASE_URL = url;
  return async () => dropDatabase(url);
}
