import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../e2e/harness.ts';
import { createPrivateDatabase, type PrivateDatabase } from '../e2e/fixtures/private-database.ts';
import { atAddress, errorAnswers, readmeBlocks } from './readme-blocks.ts';
import { writeExampleFiles } from './readme-files.ts';
import { runCommand as run, runShellBlock } from './readme-shell.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
/** The operator token the README's /metrics example sends, as an operator's shell would hold it. */
const METRICS_TOKEN = 'readme-operator-token-0123456789';

/**
 * Every curl and WebSocket (and tfjs loading) example of the README, run as written against a
 * real API and worker, in the order a reader meets them; only the address is changed to the
 * test's port. Shell examples share their variables (KEY, DATASET, RUN) as a reader's shell
 * would; none may answer an error envelope.
 */
describe('the README examples', () => {
  let stack: Stack;
  let database: PrivateDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const vars: Record<string, string> = {};
  const blocks = readmeBlocks();
  // Docker compose's create-key runs in a container: not something a test can start here.
  const shell = blocks.filter((b) => b.lang === 'sh' && (b.code.includes('curl ') || b.code.includes('create-key')) && !b.code.includes('docker'));
  const js = blocks.filter((b) => b.lang === 'js');

  beforeAll(async () => {
    // The README's experiment runs to completion: the API's driver must run (tests turn it off by default).
    database = await createPrivateDatabase();
    stack = await startStack({ DATABASE_URL: database.url, EXPERIMENT_DRIVER_INTERVAL_S: '0.5', METRICS_TOKEN });
    dir = await mkdtemp(path.join(os.tmpdir(), 'trainyard-readme-'));
    await writeExampleFiles(dir);
    env = { ...process.env, DATABASE_URL: stack.config.databaseUrl, REDIS_URL: stack.config.redisUrl, LOG_LEVEL: 'silent', METRICS_TOKEN };
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds the examples: the key, six curl blocks (the last scrapes /metrics), the WebSocket and the model loading', () => {
    expect(shell.map((b) => b.line)).toHaveLength(7);
    expect(js.some((b) => b.code.includes('new WebSocket'))).toBe(true);
    expect(js.some((b) => b.code.includes('loadLayersModel'))).toBe(true);
  });

  it('runs each shell example as written, in order, without an error answer', { timeout: 300_000 }, async () => {
    for (const block of shell) {
      // The admin CLI runs from the repository, as the README's `npm run` does; curl from the example files.
      const cwd = block.code.includes('npm run') ? repoRoot : dir;
      const ran = await runShellBlock(block, { cwd, env, baseUrl: stack.baseUrl, vars, carried: ['KEY', 'DATASET', 'RUN'] });
      const where = `README line ${block.line}: ${ran.stderr.slice(-500)}`;
      expect(ran.code, where).toBe(0);
      expect(errorAnswers(ran.stdout), where).toEqual([]);
    }
    expect(vars.KEY).toMatch(/^ty_/);
    expect(vars.RUN).toMatch(/^[0-9a-f-]{36}$/);
    const predictions = (await fetch(`${stack.baseUrl}/v1/runs/${vars.RUN}`, { headers: { authorization: `Bearer ${vars.KEY}` } }).then((r) => r.json())) as { status: string };
    expect(predictions.status).toBe('completed');
  });

  it('runs the WebSocket example: it prints the run\'s epochs and its final status', { timeout: 120_000 }, async () => {
    const block = js.find((b) => b.code.includes('new WebSocket'))!;
    const code = `const runId = process.env.RUN_ID;\nconst key = process.env.KEY;\n${atAddress(block.code, stack.baseUrl)}`;
    const ran = await run('node', ['--input-type=module', '-e', code], { cwd: repoRoot, env: { ...env, RUN_ID: vars.RUN, KEY: vars.KEY }, until: (out) => out.includes('status completed') });
    expect(ran.stdout, ran.stderr).toContain('status completed');
    // `event.epoch, loss, val_loss` for each of the run's 60 epochs.
    expect(ran.stdout.split('\n').filter((l) => /^\d+ [\d.e+-]+/.test(l))).toHaveLength(60);
  });

  it('runs the model loading example: tfjs loads the trained model over HTTP', { timeout: 120_000 }, async () => {
    const block = js.find((b) => b.code.includes('loadLayersModel'))!;
    const code = `const runId = process.env.RUN_ID;\nconst key = process.env.KEY;\n${atAddress(block.code, stack.baseUrl)}\nconsole.log('INPUT', JSON.stringify(model.inputs[0].shape));`;
    const ran = await run('node', ['--input-type=module', '-e', code], { cwd: repoRoot, env: { ...env, RUN_ID: vars.RUN, KEY: vars.KEY } });
    expect(ran.stdout, ran.stderr).toContain('INPUT [null,3]');
  });
});
