import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig, type AppConfig } from '../src/config/config.ts';
import { createPrismaClient } from '../src/db/prisma-client.ts';
import { upsertTeam } from '../src/teams/teams.repository.ts';
import { createApiKey } from '../src/auth/api-keys.repository.ts';

/** Config for one test file: the test database, its own Redis prefix and its own storage dir. */
export async function testConfig(overrides: Record<string, string> = {}): Promise<AppConfig> {
  refuseLoopsOverSharedDatabase(overrides);
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'trainyard-test-'));
  return loadConfig({
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/trainyard_test',
    REDIS_PREFIX: `tytest-${randomUUID().slice(0, 8)}`,
    STORAGE_DIR: storageDir,
    LOG_LEVEL: 'silent',
    TRAIN_BACKEND: 'cpu',
    COMPUTE_BACKEND: 'cpu',
    // Test files share one database: a reconciler would queue other files' runs into this file's queue.
    RECONCILE_INTERVAL_S: '0',
    // Likewise an experiment driver would drive other files' experiments; tests drive their own.
    EXPERIMENT_DRIVER_INTERVAL_S: '0',
    ...overrides,
  });
}

/** Loops that act on every team's runs; on the shared test database they would take other files' runs. */
const EVERY_TEAM_LOOPS = ['RECONCILE_INTERVAL_S', 'EXPERIMENT_DRIVER_INTERVAL_S'];

/** A test that turns one of those loops on must bring its own database (test/e2e/fixtures/private-database.ts). */
function refuseLoopsOverSharedDatabase(overrides: Record<string, string>): void {
  const on = EVERY_TEAM_LOOPS.filter((name) => Number(overrides[name] ?? 0) > 0);
  if (on.length > 0 && !overrides.DATABASE_URL) {
    throw new Error(`${on.join(' and ')} > 0 acts on every team in the database, and test files share one: give this test a database of its own (createPrivateDatabase)`);
  }
}

export interface TestApp {
  app: FastifyInstance;
  config: AppConfig;
  close: () => Promise<void>;
}

export async function buildTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = await testConfig(overrides);
  const app = await buildApp({ config, logger: false });
  await app.ready();
  return {
    app,
    config,
    close: async () => {
      await app.close();
      await cleanupRedisPrefix(app, config.redisPrefix);
      await rm(config.storageDir, { recursive: true, force: true });
    },
  };
}

async function cleanupRedisPrefix(_app: FastifyInstance, prefix: string) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

/** A new team with a fresh key; names are random so test files never collide. */
export async function createTeam(config: AppConfig, name = `team-${randomUUID().slice(0, 8)}`) {
  const db = createPrismaClient(config.databaseUrl);
  try {
    const team = await upsertTeam(db, name);
    const { key } = await createApiKey(db, team.id);
    return { id: team.id, name, key, auth: { authorization: `Bearer ${key}` } };
  } finally {
    await db.$disconnect();
  }
}
