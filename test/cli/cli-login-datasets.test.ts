import { stat, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { COURSE_TABLE } from '../datasets/fixtures/csv.ts';
import { gzip, idxImages, idxLabels } from '../datasets/fixtures/idx.ts';
import { freePort } from '../e2e/fixtures/free-port.ts';
import { cliHome, runCli } from './cli-harness.ts';

/** The real `trainyard` binary against the real API and worker: logging in, datasets, workers, errors. */
describe('trainyard CLI: login, datasets, workers, errors', () => {
  let stack: Stack;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let home: Awaited<ReturnType<typeof cliHome>>;

  beforeAll(async () => {
    stack = await startStack();
    team = await createTeam(stack.config);
    home = await cliHome();
    await writeFile(path.join(home.dir, 'scores.csv'), COURSE_TABLE);
    await writeFile(path.join(home.dir, 'train-images-idx3-ubyte.gz'), gzip(idxImages(20, 28, 28)));
    await writeFile(path.join(home.dir, 'train-labels-idx1-ubyte.gz'), gzip(idxLabels(Array.from({ length: 20 }, (_, i) => i % 10))));
  });
  afterAll(async () => {
    await stack?.close();
    await home?.cleanup();
  });

  it('refuses a wrong key at login, with the API\'s code, and writes nothing', async () => {
    const ran = await runCli(['login', '--url', stack.baseUrl, '--key', 'ty_not-a-key'], home.env);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('UNAUTHORIZED');
    await expect(stat(path.join(home.env.XDG_CONFIG_HOME!, 'trainyard/config.json'))).rejects.toThrow();
  });

  it('logs in: the URL and key land in $XDG_CONFIG_HOME/trainyard/config.json, mode 0600', async () => {
    const ran = await runCli(['login', '--url', stack.baseUrl, '--key', team.key, '--json'], home.env);
    expect(ran.code, ran.stderr).toBe(0);
    const file = path.join(home.env.XDG_CONFIG_HOME!, 'trainyard/config.json');
    expect(JSON.parse(ran.stdout)).toEqual({ url: stack.baseUrl, configFile: file });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ url: stack.baseUrl, apiKey: team.key });
  });

  it('uploads a CSV and prints the shape the API parsed', async () => {
    const ran = await runCli(['datasets', 'upload', 'scores.csv', '--format', 'csv', '--label', 'y', '--task', 'regression'], home.env, home.dir);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^ready [0-9a-f-]{36} scores/);
    expect(ran.stdout).toContain('5 samples, input 3, regression, target 1');
  });

  it('uploads IDX images and labels (told apart by name) with --json', async () => {
    const ran = await runCli(['datasets', 'upload', 'train-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', '--format', 'idx', '--json'], home.env, home.dir);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ status: 'ready', format: 'idx', numSamples: 20, inputShape: [28, 28, 1], numClasses: 10 });
  });

  it('lists and shows datasets, as a table and as JSON', async () => {
    const table = await runCli(['datasets', 'ls'], home.env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+FORMAT\s+STATUS/);
    expect(table.stdout).toContain('scores');
    const page = JSON.parse((await runCli(['datasets', 'ls', '--json'], home.env)).stdout);
    expect(page.items).toHaveLength(2);
    const shown = await runCli(['datasets', 'show', page.items[0].id], home.env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('20 samples, input 28×28×1, 10 classes');
  });

  it('lists the live worker', async () => {
    const ran = await runCli(['workers', '--json'], home.env);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout).workers).toEqual([expect.objectContaining({ backend: 'cpu' })]);
  });

  it('prints the API\'s error code and message and exits 1; with --json the envelope too', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const human = await runCli(['datasets', 'show', missing], home.env);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/^error NOT_FOUND: \S/);
    const json = await runCli(['runs', 'show', missing, '--json'], home.env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const bad = await runCli(['datasets', 'upload', 'scores.csv', '--format', 'csv', '--label', 'nope'], home.env, home.dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/error (INVALID_DATASET|VALIDATION_FAILED): /);
  });

  it('lets TRAINYARD_URL and TRAINYARD_API_KEY override the config file', async () => {
    const other = await createTeam(stack.config);
    const ran = await runCli(['datasets', 'ls', '--json'], { ...home.env, TRAINYARD_URL: stack.baseUrl, TRAINYARD_API_KEY: other.key });
    expect(JSON.parse(ran.stdout).items).toEqual([]);
    const unreachable = await runCli(['datasets', 'ls'], { ...home.env, TRAINYARD_URL: `http://127.0.0.1:${await freePort()}` });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^error UNREACHABLE: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });
});
