import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../src/app.ts';
import { createApiKey } from '../src/auth/api-keys.repository.ts';
import { loadConfig } from '../src/config/config.ts';
import { prepareDatabase } from '../src/db/prepare-database.ts';
import { upsertTeam } from '../src/teams/teams.repository.ts';
import { startWorker } from '../workers/worker-runtime.ts';
import { loadBenchDataset } from './bench-dataset.ts';

/**
 * `npm run bench:search [-- options]`: random search against ASHA with the same trial budget,
 * on Fashion-MNIST's first `--samples` images (generated images where it is not installed),
 * a small CNN, learning rate and width searched. Runs the API (with its experiment driver)
 * and one worker in this process on a throwaway database (`<DATABASE_URL's name>_search_bench`,
 * dropped after). Prints, per searcher, the best validation loss reached and the epochs all
 * its trials trained together, then ASHA's epochs as a fraction of random's.
 *
 * Options:
 *   --trials N       trials per searcher, default 12
 *   --max-epochs N   epochs of a full trial (random's trials; ASHA's top rung), default 9
 *   --samples N      training images (a fifth is held out for validation), default 2000
 *   --concurrency N  trials at once, default 2
 */
const { values } = parseArgs({
  options: { trials: { type: 'string', default: '12' }, 'max-epochs': { type: 'string', default: '9' }, samples: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '2' } },
});
const TRIALS = Number(values.trials);
const MAX_EPOCHS = Number(values['max-epochs']);
const SAMPLES = Number(values.samples);
const CONCURRENCY = Number(values.concurrency);

function idxFiles(features: Float32Array, targets: Float32Array, n: number) {
  const images = Buffer.alloc(16 + features.length);
  images.writeUInt32BE(0x803, 0), images.writeUInt32BE(n, 4), images.writeUInt32BE(28, 8), images.writeUInt32BE(28, 12);
  for (let i = 0; i < features.length; i++) images[16 + i] = Math.round(features[i] * 255);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0), labels.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) labels[8 + i] = targets[i];
  return { images: gzipSync(images), labels: gzipSync(labels) };
}

const cnn = (datasetId: string) => ({
  datasetId,
  model: {
    layers: [
      { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu' },
      { type: 'maxPooling2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 32, activation: 'relu' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ],
  },
  compile: { optimizer: { type: 'adam', learningRate: 0.001 }, loss: 'sparseCategoricalCrossentropy' },
  fit: { epochs: MAX_EPOCHS, batchSize: 32, validationSplit: 0.2, seed: 1 },
});

const space = {
  'compile.optimizer.learningRate': { type: 'logUniform', low: 1e-4, high: 3e-2 },
  'model.layers[0].filters': { type: 'choice', values: [4, 8, 16] },
  'model.layers[3].units': { type: 'logInt', low: 8, high: 128 },
};

async function main() {
  const base = loadConfig();
  const dbUrl = new URL(base.databaseUrl);
  dbUrl.pathname = `${dbUrl.pathname}_search_bench`;
  const databaseUrl = dbUrl.toString();
  await dropDatabase(databaseUrl);
  await prepareDatabase(databaseUrl);
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'trainyard-search-bench-'));
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, STORAGE_DIR: storageDir, REDIS_PREFIX: `tysearch-${randomUUID().slice(0, 8)}`, LOG_LEVEL: 'silent', EXPERIMENT_DRIVER_INTERVAL_S: '0.5', RECONCILE_INTERVAL_S: '0', WORKER_CONCURRENCY: String(CONCURRENCY) });
  const app = await buildApp({ config, logger: false });
  await app.ready();
  const worker = await startWorker(config, pino({ level: 'silent' }));
  try {
    const team = await upsertTeam(app.db, 'search-bench');
    const auth = { authorization: `Bearer ${(await createApiKey(app.db, team.id)).key}` };
    const data = await loadBenchDataset(SAMPLES, 10);
    const files = idxFiles(data.train.features, data.train.targets, data.train.numSamples);
    const form = new FormData();
    form.set('format', 'idx');
    form.set('images', new Blob([files.images]), 'images.gz');
    form.set('labels', new Blob([files.labels]), 'labels.gz');
    const dataset = await (await app.inject({ method: 'POST', url: '/v1/datasets', headers: auth, payload: form })).json();
    console.log(`data: ${data.source}, ${data.train.numSamples} images; ${TRIALS} trials per searcher, ${MAX_EPOCHS} epochs at most`);
    const rows = [];
    for (const searcher of [{ type: 'random' }, { type: 'asha', minEpochs: 1, maxEpochs: MAX_EPOCHS, reductionFactor: 3 }]) {
      rows.push(await runSearch(app, auth, dataset.id, searcher));
    }
    console.log('\n| searcher | trials | best val_loss | total epochs | wall s |\n| --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.searcher} | ${r.trials} | ${r.best?.toFixed(4) ?? '-'} | ${r.epochs} | ${r.wallS} |`);
    console.log(`\nASHA spent ${(rows[1]!.epochs / rows[0]!.epochs).toFixed(2)}× random's epochs; best ${rows[1]!.best! <= rows[0]!.best! ? 'at least as good' : 'worse'}.`);
  } finally {
    await worker.close();
    await app.close();
    await rm(storageDir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
  }
}

type App = Awaited<ReturnType<typeof buildApp>>;

/** One experiment to its end; its best val_loss and the epochs its trials' runs trained (a resumed run's continue, not repeat). */
async function runSearch(app: App, auth: Record<string, string>, datasetId: string, searcher: { type: string }) {
  const started = Date.now();
  const body = { name: `bench-${searcher.type}`, base: cnn(datasetId), space, searcher, maxTrials: TRIALS, maxConcurrentTrials: CONCURRENCY, seed: 7 };
  const created = await app.inject({ method: 'POST', url: '/v1/experiments', headers: auth, payload: body });
  if (created.statusCode !== 201) throw new Error(`bench: experiment refused: ${created.body}`);
  const id = created.json().id as string;
  for (;;) {
    const exp = (await app.inject({ method: 'GET', url: `/v1/experiments/${id}`, headers: auth })).json();
    if (exp.status === 'completed') break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const runs = await app.db.run.findMany({ where: { experimentId: id }, select: { id: true } });
  const epochs = await app.db.epochMetric.findMany({ where: { runId: { in: runs.map((r) => r.id) } }, select: { valLoss: true } });
  const losses = epochs.map((e) => e.valLoss).filter((v): v is number => v !== null && Number.isFinite(v));
  return { searcher: searcher.type, trials: runs.length, best: losses.length ? Math.min(...losses) : null, epochs: epochs.length, wallS: Math.round((Date.now() - started) / 1000) };
}

async function dropDatabase(url: string) {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
  await client.end();
}

await main();
