import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import type { Server } from 'node:http';
import type { AppConfig } from '../../src/config/config.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A regression table big enough that each epoch takes a noticeable moment on the cpu backend
 * (hundreds of batches of 4), so a test can act between epochs; still only a few KB.
 */
export function regressionCsv(rows = 400): string {
  const lines = ['a,b,c,y'];
  for (let i = 0; i < rows; i++) {
    const [a, b, c] = [(i * 7) % 13, (i * 5) % 11, (i * 3) % 7];
    lines.push(`${a},${b},${c},${2 * a - b + 0.5 * c + 1}`);
  }
  return lines.join('\n');
}

export async function uploadRegression(server: Server, auth: Record<string, string>, rows = 400): Promise<string> {
  const res = await request(server)
    .post('/v1/datasets')
    .set(auth)
    .field('format', 'csv')
    .field('label', 'y')
    .field('task', 'regression')
    .attach('file', Buffer.from(regressionCsv(rows)), 'table.csv');
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** A small MLP with Adam (so optimizer state matters on resume), seeded so data order is reproducible. */
export function slowRunSpec(datasetId: string, epochs: number) {
  return {
    datasetId,
    model: { layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 1 }] },
    compile: { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'meanSquaredError' },
    fit: { epochs, batchSize: 4, seed: 7 },
  };
}

export async function submitRun(server: Server, auth: Record<string, string>, body: object): Promise<string> {
  const res = await request(server).post('/v1/runs').set(auth).send(body);
  if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Polls until `probe` returns something truthy. */
export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 45_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ChildProc {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output: () => string;
}

/** The environment `npm run worker` / `npm run api` would get in a deployment using this test's database, Redis prefix and storage. */
export function childEnv(config: AppConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    STORAGE_DIR: config.storageDir,
    TRAIN_BACKEND: 'cpu',
    LOG_LEVEL: 'info',
    // Take over a dead worker's run within ~3 s instead of 30.
    WORKER_STALL_TIMEOUT_MS: '3000',
    WORKER_HEARTBEAT_TTL_S: '3',
    // Test files share one database; see test/helper.ts.
    RECONCILE_INTERVAL_S: '0',
    ...extra,
  };
}

/** Runs an entry point exactly as its npm script does (`tsx <entry>`), as its own process. */
export function spawnEntry(entry: 'workers/worker.ts' | 'src/server.ts' | 'src/start.ts', env: NodeJS.ProcessEnv): ChildProc {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => out };
}

/** Spawns a worker and waits until it says which backend it trains on (its BullMQ worker is up then). */
export async function startWorkerProcess(config: AppConfig, extra: Record<string, string> = {}): Promise<ChildProc & { workerId: string }> {
  const proc = spawnEntry('workers/worker.ts', childEnv(config, extra));
  let exited = false;
  void proc.exited.then(() => (exited = true));
  const workerId = await waitFor('the worker to start', async () => {
    if (exited) throw new Error(`worker exited during start:\n${proc.output()}`);
    const line = proc.output().split('\n').find((l) => l.includes('training on backend'));
    return line ? (JSON.parse(line).workerId as string) : null;
  }, 45_000, 100);
  return { ...proc, workerId };
}

export async function stopProcess(proc: ChildProc | undefined): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGKILL');
  await proc.exited;
}
