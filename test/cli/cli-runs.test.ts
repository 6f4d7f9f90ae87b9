import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { createPrivateDatabase, type PrivateDatabase } from '../e2e/fixtures/private-database.ts';
import { COURSE_TABLE } from '../datasets/fixtures/csv.ts';
import { idxImages, idxLabels } from '../datasets/fixtures/idx.ts';
import { png } from '../datasets/fixtures/zip.ts';
import { cliHome, runCli, startCli } from './cli-harness.ts';

const EPOCH_ROW = /^\d+\s+[-\d.e+]+\s+\d+\s+\d+$/;

const regression = (datasetId: string, fit: object, learningRate = 0.1) => ({
  datasetId,
  model: { layers: [{ type: 'dense', units: 1 }] },
  compile: { optimizer: { type: 'sgd', learningRate }, loss: 'meanSquaredError' },
  fit: { batchSize: 5, ...fit },
});

/** Polls `check` until it holds: the experiment's end has no event to wait on from the CLI. */
async function until(check: () => Promise<boolean>, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The real `trainyard` binary against the real API and worker: runs from submit to download, predict and experiments. */
describe('trainyard CLI: runs and experiments', () => {
  let stack: Stack;
  let database: PrivateDatabase;
  let home: Awaited<ReturnType<typeof cliHome>>;
  let env: NodeJS.ProcessEnv;
  let scores: string;
  let runId: string;
  const cli = (...args: string[]) => runCli(args, env, home.dir);
  const spec = async (name: string, body: object) => {
    await writeFile(path.join(home.dir, name), JSON.stringify(body));
    return name;
  };

  beforeAll(async () => {
    database = await createPrivateDatabase();
    stack = await startStack({ DATABASE_URL: database.url, EXPERIMENT_DRIVER_INTERVAL_S: '0.5' });
    const team = await createTeam(stack.config);
    home = await cliHome();
    // Settings from the environment alone, as CI jobs give them.
    env = { ...home.env, TRAINYARD_URL: stack.baseUrl, TRAINYARD_API_KEY: team.key };
    await writeFile(path.join(home.dir, 'scores.csv'), COURSE_TABLE);
    scores = JSON.parse((await cli('datasets', 'upload', 'scores.csv', '--format', 'csv', '--label', 'y', '--task', 'regression', '--json')).stdout).id;
  });
  afterAll(async () => {
    await stack?.close();
    await database?.drop();
    await home?.cleanup();
  });

  it('create --follow prints a row per epoch as they arrive and exits 0 when the run completes', { timeout: 120_000 }, async () => {
    const ran = await cli('runs', 'create', '-f', await spec('run.json', regression(scores, { epochs: 20 })), '--follow');
    expect(ran.code, ran.stderr).toBe(0);
    const lines = ran.stdout.trim().split('\n');
    expect(lines[0]).toBe('queued');
    expect(lines.some((l) => /^running on cpu/.test(l))).toBe(true);
    expect(lines.find((l) => l.startsWith('epoch'))).toMatch(/^epoch\s+loss\s+ms\s+samples\/s$/);
    expect(lines.filter((l) => EPOCH_ROW.test(l)).map((l) => Number(l.split(/\s+/)[0]))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(lines.at(-1)).toMatch(/^completed/);
    runId = /^run ([0-9a-f-]{36})$/m.exec(ran.stderr)![1];
  });

  it('--follow --json streams the run and then each event as one JSON line', { timeout: 120_000 }, async () => {
    const ran = await cli('runs', 'create', '-f', 'run.json', '--follow', '--json');
    expect(ran.code, ran.stderr).toBe(0);
    const [run, ...events] = ran.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(run).toMatchObject({ status: 'queued' });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(20);
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'completed', runId: run.id });
  });

  it('exits 2 with the error when the run fails (a loss gone NaN)', { timeout: 120_000 }, async () => {
    const ran = await cli('runs', 'create', '-f', await spec('nan.json', regression(scores, { epochs: 20 }, 1e30)), '--follow');
    expect(ran.code, ran.stdout + ran.stderr).toBe(2);
    expect(ran.stdout.trim().split('\n').at(-1)).toMatch(/^failed .*NAN_LOSS/);
  });

  it('exits 3 when the followed run is canceled from another shell', { timeout: 120_000 }, async () => {
    const follow = startCli(['runs', 'create', '-f', await spec('long.json', regression(scores, { epochs: 10_000 })), '--follow'], env, home.dir);
    await follow.waitFor((out) => out.split('\n').some((l) => EPOCH_ROW.test(l)));
    const id = /^run ([0-9a-f-]{36})$/m.exec(follow.stderr())![1];
    const cancel = await cli('runs', 'cancel', id);
    expect(cancel.code, cancel.stderr).toBe(0);
    const ran = await follow.done;
    expect(ran.code).toBe(3);
    expect(ran.stdout.trim().split('\n').at(-1)).toMatch(/^canceled/);
  });

  it('shows, lists and replays a finished run', async () => {
    const shown = await cli('runs', 'show', runId);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^${runId}\\s+completed\\s+20/20\\s+cpu`, 'm'));
    const page = JSON.parse((await cli('runs', 'ls', '--status', 'completed', '--json')).stdout);
    expect(page.items.map((r: { id: string }) => r.id)).toContain(runId);
    const logs = await cli('runs', 'logs', runId);
    expect(logs.code, logs.stderr).toBe(0);
    const lines = logs.stdout.trim().split('\n');
    expect(lines.filter((l) => / epoch \d+ loss=/.test(l))).toHaveLength(20);
    expect(lines.at(-1)).toMatch(/status completed/);
  });

  it('downloads a model that tfjs loads, and predicts from a JSON file', async () => {
    const dir = path.join(home.dir, 'model');
    const ran = await cli('runs', 'download', runId, '-o', dir);
    expect(ran.code, ran.stderr).toBe(0);
    const modelJson = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
    const files = modelJson.weightsManifest.flatMap((g: { paths: string[] }) => g.paths);
    const weightSpecs = modelJson.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights);
    const weightData = Buffer.concat(await Promise.all(files.map((f: string) => readFile(path.join(dir, f)))));
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.length) }));
    expect(model.inputs[0].shape).toEqual([null, 3]);
    model.dispose();

    await writeFile(path.join(home.dir, 'instances.json'), JSON.stringify([[73, 80, 75]]));
    const predicted = await cli('runs', 'predict', runId, '--json', 'instances.json');
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(Number(predicted.stdout.trim())).toBeGreaterThan(100);
  });

  it('predicts from an image, resized to the dataset\'s inputs', { timeout: 120_000 }, async () => {
    await writeFile(path.join(home.dir, 'images.idx'), idxImages(10, 8, 8));
    await writeFile(path.join(home.dir, 'labels.idx'), idxLabels([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]));
    const dataset = JSON.parse((await cli('datasets', 'upload', 'images.idx', 'labels.idx', '--format', 'idx', '--json')).stdout);
    const body = { datasetId: dataset.id, model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 2, activation: 'softmax' }] }, compile: { optimizer: { type: 'adam' }, loss: 'categoricalCrossentropy' }, fit: { epochs: 1 } };
    const trained = await cli('runs', 'create', '-f', await spec('image.json', body), '--follow', '--json');
    expect(trained.code, trained.stderr).toBe(0);
    const id = JSON.parse(trained.stdout.split('\n')[0]).id;
    await writeFile(path.join(home.dir, 'digit.png'), await png(20, 20, 3, 1));
    const ran = await cli('runs', 'predict', id, '--image', 'digit.png', '--json');
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout).predictions).toEqual([expect.objectContaining({ className: expect.stringMatching(/^[01]$/), probabilities: [expect.any(Number), expect.any(Number)] })]);
  });

  /** A two-point grid over the learning rate, both trials at once: the smallest real sweep. */
  const learningRateGrid = (name: string, epochs: number) => ({
    name,
    base: regression(scores, { epochs, validationSplit: 0.2 }),
    space: { 'compile.optimizer.learningRate': { type: 'choice', values: [0.01, 0.1] } },
    searcher: { type: 'grid' },
    metric: { name: 'val_loss', mode: 'min' },
    maxTrials: 2,
    maxConcurrentTrials: 2,
    seed: 1,
  });

  it('creates an experiment and shows its trials as a table', { timeout: 180_000 }, async () => {
    const body = learningRateGrid('lr-sweep', 3);
    const created = await cli('experiments', 'create', '-f', await spec('experiment.json', body), '--json');
    expect(created.code, created.stderr).toBe(0);
    const { id } = JSON.parse(created.stdout);
    await until(async () => JSON.parse((await cli('experiments', 'show', id, '--json')).stdout).status === 'completed');
    const shown = await cli('experiments', 'show', id);
    expect(shown.code, shown.stderr).toBe(0);
    const rows = shown.stdout.split('\n');
    expect(rows[0]).toMatch(/lr-sweep: completed, trials 2 completed \(of 2\)/);
    expect(rows.find((r) => r.startsWith('#'))).toMatch(/^#\s+STATE\s+RUN\s+compile\.optimizer\.learningRate\s+RUNG\s+METRIC$/);
    expect(rows.filter((r) => /^\d\s+completed\s+[0-9a-f-]{36}\s+0\.0?1\s/.test(r))).toHaveLength(2);
  });

  it('experiments show --follow prints each trial event as a row until the search completes, exiting 0', { timeout: 180_000 }, async () => {
    const body = learningRateGrid('followed', 2);
    const created = await cli('experiments', 'create', '-f', await spec('followed.json', body), '--json');
    const { id } = JSON.parse(created.stdout);
    const followed = await cli('experiments', 'show', id, '--follow');
    expect(followed.code, followed.stderr).toBe(0);
    const rows = followed.stdout.split('\n');
    expect(rows[0]).toMatch(/^seq\s+event\s+trial\s+rung\s+metric\s+run/);
    expect(rows.filter((r) => /^\d+\s+trial_created\s+[01]\s/.test(r))).toHaveLength(2);
    expect(rows.filter((r) => /^\d+\s+trial_completed\s+[01]\s+\d*\s+[-\d.e+]+\s+[0-9a-f-]{36}$/.test(r))).toHaveLength(2);
    expect(rows.some((r) => /^\d+\s+new_best\s/.test(r))).toBe(true);
    expect(rows.filter(Boolean).at(-1)).toMatch(/experiment completed/);
    // --json: one event per line, numbered 1, 2, 3... as the stream gives them.
    const json = await cli('experiments', 'show', id, '--follow', '--json');
    const seqs = json.stdout.trim().split('\n').map((l) => JSON.parse(l).seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
  });
});
