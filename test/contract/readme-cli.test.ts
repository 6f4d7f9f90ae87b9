import { mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../e2e/harness.ts';
import { createPrivateDatabase, type PrivateDatabase } from '../e2e/fixtures/private-database.ts';
import { createTeam } from '../helper.ts';
import { readmeBlocks } from './readme-blocks.ts';
import { writeExampleFiles } from './readme-files.ts';
import { runShellBlock, type Ran } from './readme-shell.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * The README's CLI walkthrough, run as written against a real API and worker, from a folder
 * of example files with `trainyard` on PATH as `npm link` puts it there.
 */
describe('the README CLI walkthrough', () => {
  let stack: Stack;
  let database: PrivateDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const vars: Record<string, string> = {};
  const ran: Ran[] = [];
  const blocks = readmeBlocks().filter((b) => b.lang === 'sh' && /(^|\$\(|&& )trainyard /m.test(b.code));

  beforeAll(async () => {
    database = await createPrivateDatabase();
    stack = await startStack({ DATABASE_URL: database.url, EXPERIMENT_DRIVER_INTERVAL_S: '0.5' });
    dir = await mkdtemp(path.join(os.tmpdir(), 'trainyard-readme-cli-'));
    await writeExampleFiles(dir);
    vars.KEY = (await createTeam(stack.config)).key;
    env = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      TRAINYARD_URL: '',
      TRAINYARD_API_KEY: '',
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
    };
    // What `npm link` gives a reader: the package's bin, by a symlink on PATH.
    await mkdir(path.join(dir, 'bin'));
    await symlink(path.join(repoRoot, 'cli/bin/trainyard.mjs'), path.join(dir, 'bin', 'trainyard'));
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds the three walkthrough blocks', () => {
    expect(blocks).toHaveLength(3);
  });

  it('runs each block as written, in order, every command succeeding', { timeout: 400_000 }, async () => {
    for (const block of blocks) {
      const result = await runShellBlock(block, { cwd: dir, env, baseUrl: stack.baseUrl, vars, carried: ['KEY', 'DATASET', 'RUN', 'IMAGES', 'CNN', 'EXP'] });
      ran.push(result);
      expect(result.code, `README line ${block.line}:\n${result.stdout.slice(-1500)}\n${result.stderr.slice(-1500)}`).toBe(0);
    }
  });

  it('followed the run epoch by epoch to its completion, then predicted and downloaded it', async () => {
    const [walkthrough] = ran;
    const epochRows = walkthrough.stdout.split('\n').filter((l) => /^\d+\s+[-\d.e+]+\s+\d+\s+[\d,]+$/.test(l.trim()));
    // 60 rows from --follow, 60 more from `runs metrics`.
    expect(epochRows.length).toBeGreaterThanOrEqual(120);
    expect(walkthrough.stdout).toMatch(/completed.*completed all 60 epochs/);
    const files = await readdir(path.join(dir, 'scores-model'));
    expect(files).toContain('model.json');
    expect(files.some((f) => f.endsWith('.bin'))).toBe(true);
    expect((await stat(path.join(dir, 'config', 'trainyard', 'config.json'))).mode & 0o777).toBe(0o600);
  });

  it('uploaded images and a base model, trained, predicted an image and evaluated', () => {
    const images = ran[1].stdout;
    expect(images).toMatch(/20 samples, input 28×28×1, 10 classes/);
    expect(images).toMatch(/4 samples, input 16×16×3, 2 classes/);
    expect(images).toMatch(/completed/);
    expect(images).toMatch(/p=0\.\d+/);
    expect(images).toMatch(/confusion matrix/);
    expect(images).toMatch(/vgg16 \(tfjs-layers/);
  });

  it('waited for the experiment and used its best model', async () => {
    const sweep = ran[2].stdout;
    expect(sweep).toMatch(/: completed, trials 2 completed/);
    expect(sweep.match(/^\s*[01]\s+completed\s/gm)).toHaveLength(2);
    expect(await readdir(path.join(dir, 'best-model'))).toContain('model.json');
  });
});
