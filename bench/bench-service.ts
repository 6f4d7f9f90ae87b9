import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Redis } from 'ioredis';
import { loadConfig } from '../src/config/config.ts';
import { prepareDatabase } from '../src/db/prepare-database.ts';

/** The repository root, where the service's entry points are run from. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A port nothing listens on now, on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A process's resident set size, from /proc. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

export async function waitForReady(baseUrl: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the API did not become ready');
}

/** Drops the database of `url` and, unless `drop`, creates it again with the schema. */
export async function recreateDatabase(url: string, drop = false) {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
  if (!drop) await prepareDatabase(url);
}

/** Where a benchmark's throwaway service keeps its state: nothing shared with a real one. */
export interface BenchPlace {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  storageDir: string;
}

/** A fresh database (`<DATABASE_URL's name>_<suffix>`), Redis prefix and storage folder. */
export async function createBenchPlace(suffix: string): Promise<BenchPlace> {
  const base = loadConfig();
  const dbUrl = new URL(base.databaseUrl);
  dbUrl.pathname = `${dbUrl.pathname}_${suffix}`;
  const place = {
    databaseUrl: dbUrl.toString(),
    redisUrl: base.redisUrl,
    redisPrefix: `tybench-${randomUUID().slice(0, 8)}`,
    storageDir: await mkdtemp(path.join(os.tmpdir(), 'trainyard-bench-')),
  };
  await recreateDatabase(place.databaseUrl);
  return place;
}

/** Removes everything createBenchPlace made, and the Redis keys under its prefix. */
export async function removeBenchPlace(place: BenchPlace, redis: Redis) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${place.redisPrefix}:*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await rm(place.storageDir, { recursive: true, force: true });
  await recreateDatabase(place.databaseUrl, true);
}

/**
 * Starts one of the service's entry points (`src/server.ts`, `workers/worker.ts`) on `place`.
 * With BENCH_PROFILE=<dir> it runs under `--cpu-prof`, writing a .cpuprofile there on exit.
 */
export function startServiceProcess(entry: string, place: BenchPlace, env: Record<string, string> = {}): ChildProcess {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
  return spawn(process.execPath, [...profile, '--import', 'tsx', entry], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: place.databaseUrl,
      REDIS_URL: place.redisUrl,
      REDIS_PREFIX: place.redisPrefix,
      STORAGE_DIR: place.storageDir,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
}

/** SIGTERM, then waits for the exit. */
export async function stopServiceProcess(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
