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
 * its trials trained together; the best reached against epochs spent (at ASHA's total, a
 * third of random's, random's total) and whether ASHA reached random's best; and trial by
 * trial, what each searcher made of the same configuration. The comparison is like for like:
 * both draw trial i's values from the same seeded stream, every trial has the same weight
 * seed, and a resumed run continues exactly as an uninterrupted one (seeded shuffles), so
 * where ASHA trains a configuration in full it reaches random's very number.
 *
 * Options:
 *   --trials N       trials per searcher, default 12
 *   --max-epochs N   epochs of a full trial (random's trials; ASHA's top rung), default 9
 *   --samples N      training images (a fifth is held out for validation), default 2000
 *   --concurrency N  trials at once, default 2
 *   --seed N         the experiments' seed (both draw the same trials from it), default 7
 */
const { values } = parseArgs({
  options: { trials: { type: 'string', default: '12' }, 'max-epochs': { type: 'string', default: '9' }, samples: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '2' }, seed: { type: 'string', default: '7' } },
});
const TRIALS = Number(values.trials);
const MAX_EPOCHS = Number(values['max-epochs']);
const SAMPLES = Number(values.samples);
const CONCURRENCY = Number(values.concurrency);
const SEED = Number(values.seed);

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
    printCurves(rows[0]!, rows[1]!);
    printTrials(rows[0]!, rows[1]!);
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
  const body = { name: `bench-${searcher.type}`, base: cnn(datasetId), space, searcher, maxTrials: TRIALS, maxConcurrentTrials: CONCURRENCY, seed: SEED };
  const created = await app.inject({ method: 'POST', url: '/v1/experiments', headers: auth, payload: body });
  if (created.statusCode !== 201) throw new Error(`bench: experiment refused: ${created.body}`);
  const id = created.json().id as string;
  for (;;) {
    const exp = (await app.inject({ method: 'GET', url: `/v1/experiments/${id}`, headers: auth })).json();
    if (exp.status === 'completed') break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const trials = await app.db.trial.findMany({ where: { experimentId: id }, orderBy: { index: 'asc' }, select: { index: true, runId: true, values: true } });
  const epochs = await app.db.epochMetric.findMany({ where: { runId: { in: trials.map((t) => t.runId) } }, select: { runId: true, epoch: true, valLoss: true, createdAt: true } });
  const perTrial = trials.map((t) => {
    const own = epochs.filter((e) => e.runId === t.runId).sort((a, b) => a.epoch - b.epoch);
    return { index: t.index, values: t.values as Record<string, number>, valLoss: own.map((e) => e.valLoss ?? Number.NaN) };
  });
  const losses = epochs.map((e) => e.valLoss).filter((v): v is number => v !== null && Number.isFinite(v));
  return { searcher: searcher.type, trials: trials.length, best: losses.length ? Math.min(...losses) : null, epochs: epochs.length, wallS: Math.round((Date.now() - started) / 1000), perTrial, curve: bestSoFar(epochs) };
}

/** The best val_loss reached after each epoch trained, all trials together, in the order they were trained: curve[k-1] after k epochs. */
function bestSoFar(epochs: { runId: string; epoch: number; valLoss: number | null; createdAt: Date }[]): number[] {
  const ordered = [...epochs].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.runId.localeCompare(b.runId) || a.epoch - b.epoch);
  let best = Number.POSITIVE_INFINITY;
  return ordered.map((e) => (best = e.valLoss !== null && Number.isFinite(e.valLoss) ? Math.min(best, e.valLoss) : best));
}

type SearchResult = Awaited<ReturnType<typeof runSearch>>;

/** Best val_loss against epochs spent, at ASHA's total, a third of random's and random's total; and when each reached random's best. */
function printCurves(random: SearchResult, asha: SearchResult) {
  const at = (r: SearchResult, epochs: number) => (epochs < 1 ? '-' : r.curve[Math.min(epochs, r.curve.length) - 1]!.toFixed(4));
  const budgets = [...new Set([asha.epochs, Math.floor(random.epochs / 3), random.epochs])].sort((a, b) => a - b);
  console.log(`\n| best val_loss after | ${budgets.map((b) => `${b} epochs`).join(' | ')} |\n| --- | ${budgets.map(() => '---').join(' | ')} |`);
  for (const r of [random, asha]) console.log(`| ${r.searcher} | ${budgets.map((b) => at(r, b)).join(' | ')} |`);
  const reach = (r: SearchResult) => r.curve.findIndex((v) => v <= random.best!) + 1;
  const ashaReach = reach(asha);
  console.log(
    `\nrandom reached its best ${random.best!.toFixed(4)} after ${reach(random)} of its ${random.epochs} epochs; ASHA ` +
      (ashaReach > 0 ? `reached it after ${ashaReach} epochs (${(ashaReach / random.epochs).toFixed(2)}× random's total)` : `did not reach it (its best ${asha.best!.toFixed(4)}, in ${asha.epochs} epochs, ${(asha.epochs / random.epochs).toFixed(2)}× random's)`) +
      '.',
  );
}

/**
 * Both searchers draw trial i's values from the same seeded stream, so the trials pair up by
 * index: what random learnt from each configuration trained in full, beside how far ASHA
 * trained it and what it saw. Shows which configuration random's best came from and whether
 * ASHA's rungs kept it.
 */
function printTrials(random: SearchResult, asha: SearchResult) {
  const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(4));
  const minOf = (vs: number[]) => Math.min(...vs.filter(Number.isFinite));
  console.log('\n| trial | learningRate | filters | units | random val_loss @1 | random best | asha epochs | asha val_loss @1 | asha best |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of random.perTrial) {
    const a = asha.perTrial.find((t) => t.index === r.index);
    const same = a && JSON.stringify(a.values) === JSON.stringify(r.values) ? '' : ' (values differ!)';
    const v = r.values;
    console.log(`| ${r.index}${same} | ${v['compile.optimizer.learningRate']!.toExponential(2)} | ${v['model.layers[0].filters']} | ${v['model.layers[3].units']} | ${fmt(r.valLoss[0])} | ${fmt(minOf(r.valLoss))} | ${a?.valLoss.length ?? 0} | ${fmt(a?.valLoss[0])} | ${a ? fmt(minOf(a.valLoss)) : '-'} |`);
  }
  // Why ASHA found (or missed) random's best: where that trial stood when ASHA's first rung (epoch 1) ranked it.
  const bestTrial = random.perTrial.reduce((a, b) => (minOf(b.valLoss) < minOf(a.valLoss) ? b : a));
  const rung0 = [...asha.perTrial].sort((a, b) => a.valLoss[0]! - b.valLoss[0]!).findIndex((t) => t.index === bestTrial.index) + 1;
  const kept = asha.perTrial.filter((t) => t.valLoss.length > 1).length;
  console.log(`\nrandom's best came from trial ${bestTrial.index}; after epoch 1 it ranked ${rung0} of ${asha.perTrial.length}, and ASHA trained ${kept} trial(s) beyond epoch 1.`);
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
// Everything is closed, yet a Redis handle outlives the worker's close and keeps the process
// alive after the tables are printed; exit as src/server.ts and workers/worker.ts do.
process.exit(0);
