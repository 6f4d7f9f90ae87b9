import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from './config/config.ts';
import { prepareDatabase } from './db/prepare-database.ts';
import { checkServices } from './startup/check-services.ts';
import { runMain } from './startup/run-main.ts';
import { planWorkers } from './startup/worker-plan.ts';
import { listWebgpuAdapters } from './training/webgpu-adapters.ts';

/**
 * `npm start`: one command for a newcomer. Prepares the database once, then runs the API and
 * one worker (or, with START_WORKERS=per-adapter, one per GPU) as processes of their own
 * (exactly what `npm run api` and `npm run worker` run), and stops them all when any exits
 * or on Ctrl-C.
 */
runMain('trainyard', async () => {
  const config = loadConfig();
  const log = pino({ name: 'trainyard', level: config.logLevel });
  await checkServices(config);
  await prepareDatabase(config.databaseUrl);

  const listed = config.worker.startWorkers === 'per-adapter' ? await listWebgpuAdapters() : null;
  const plan = planWorkers(config.worker, listed);
  for (const note of plan.notes) log.info(note);

  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const children: ChildProcess[] = [
    fork(path.join(root, 'src/server.ts'), { execArgv: process.execArgv }),
    ...plan.workers.map((env) => fork(path.join(root, 'workers/worker.ts'), { execArgv: process.execArgv, env: { ...process.env, ...env } })),
  ];
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    let alive = children.length;
    for (const child of children) {
      if (child.exitCode !== null) alive--;
      else child.once('exit', () => --alive === 0 && process.exit(code));
    }
    if (alive === 0) process.exit(code);
  };
  for (const child of children) child.on('exit', (code) => stopAll(code ?? 1));
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
});
