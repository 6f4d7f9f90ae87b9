import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { createApiKey } from '../src/auth/api-keys.repository.ts';
import { createPrismaClient } from '../src/db/prisma-client.ts';
import { loadModelFromDir } from '../src/model/file-model-io.ts';
import { createRedis } from '../src/redis/redis-connection.ts';
import { Storage } from '../src/storage/storage.ts';
import { upsertTeam } from '../src/teams/teams.repository.ts';
import { selectBackend } from '../src/training/select-backend.ts';
import { createBenchPlace, freePort, removeBenchPlace, startServiceProcess, stopServiceProcess, waitForReady } from './bench-service.ts';
import { loadBenchDataset } from './bench-dataset.ts';
import { percentile } from './latency-stats.ts';
import { REFERENCE_BATCH_SIZE, REFERENCE_COMPILE, REFERENCE_MODEL } from './reference-cnn.ts';

/**
 * `npm run bench:predict [-- options]`: serving the reference CNN through the API.
 *
 * Starts an API and a worker on a throwaway database, Redis prefix and storage folder
 * (both on the engine backend unless BENCH_BACKEND says otherwise), uploads Fashion-MNIST
 * (or generated images) as IDX, trains the reference CNN one epoch through the API, then
 * measures, sequentially and after a warm-up:
 *   - POST /v1/runs/:id/predict with 1 and with 100 images, as nested `instances` and as a
 *     flat uint8 `tensor`: latency p50 / p90 / p99 (ms) and images/s;
 *   - POST /v1/runs/:id/evaluate on the test images: images/s;
 *   - the same model in this process (model.predict on the same backend): the floor that the
 *     HTTP, validation and IPC overhead is measured against.
 *
 * Options: --requests N (per predict row, default 200), --train N / --test N (images, default
 * 3000 / 2000), --evaluations N (default 5).
 */
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    train: { type: 'string', default: '3000' },
    test: { type: 'string', default: '2000' },
    evaluations: { type: 'string', default: '5' },
  },
});
const REQUESTS = Number(values.requests);
const EVALUATIONS = Number(values.evaluations);
const BACKEND = (process.env.BENCH_BACKEND ?? 'engine') as 'engine' | 'cpu';

const watchdog = setTimeout(() => {
  console.error('bench:predict: did not finish in time; stopping');
  process.exit(1);
}, 15 * 60_000);
watchdog.unref();

interface Row {
  path: string;
  images: number;
  samples: number[];
}

const SIDE = 28;

/** IDX files (images, labels) of `count` images scaled 0..1, back to bytes as the format holds them. */
function toIdx(features: Float32Array, targets: Float32Array, count: number): [Blob, Blob] {
  const images = new Uint8Array(16 + count * SIDE * SIDE);
  new DataView(images.buffer).setUint32(0, 0x803);
  new DataView(images.buffer).setUint32(4, count);
  new DataView(images.buffer).setUint32(8, SIDE);
  new DataView(images.buffer).setUint32(12, SIDE);
  for (let i = 0; i < count * SIDE * SIDE; i++) images[16 + i] = Math.round(features[i] * 255);
  const labels = new Uint8Array(8 + count);
  new DataView(labels.buffer).setUint32(0, 0x801);
  new DataView(labels.buffer).setUint32(4, count);
  for (let i = 0; i < count; i++) labels[8 + i] = targets[i];
  return [new Blob([images]), new Blob([labels])];
}

class Api {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${this.key}` } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${route}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  async uploadIdx(images: Blob, labels: Blob): Promise<string> {
    const form = new FormData();
    form.set('format', 'idx');
    form.set('images', images, 'images-idx3-ubyte');
    form.set('labels', labels, 'labels-idx1-ubyte');
    return (await this.call<{ id: string }>('POST', '/v1/datasets', form)).id;
  }

  async trainedRun(datasetId: string): Promise<string> {
    const spec = { datasetId, model: REFERENCE_MODEL, compile: REFERENCE_COMPILE, fit: { epochs: 1, batchSize: REFERENCE_BATCH_SIZE } };
    const { id } = await this.call<{ id: string }>('POST', '/v1/runs', spec);
    for (;;) {
      const run = await this.call<{ status: string; error?: unknown }>('GET', `/v1/runs/${id}`);
      if (run.status === 'completed') return id;
      if (['failed', 'canceled'].includes(run.status)) throw new Error(`the run ended ${run.status}: ${JSON.stringify(run.error)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Runs `fn` `count` times after a few warm-up calls; returns each call's milliseconds. */
async function timed(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

function predictBodies(features: Float32Array, images: number) {
  const pixels = features.subarray(0, images * SIDE * SIDE);
  const bytes = Uint8Array.from(pixels, (v) => Math.round(v * 255));
  const instances = Array.from({ length: images }, (_, i) => Array.from(bytes.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE)));
  return {
    nested: { instances },
    tensor: { tensor: { dtype: 'uint8', shape: [images, SIDE, SIDE, 1], data: Buffer.from(bytes).toString('base64') } },
  };
}

async function measureApi(api: Api, runId: string, testId: string, features: Float32Array, testCount: number): Promise<Row[]> {
  // The floor of any authenticated call: HTTP, the key's lookup, the rate limiter, one read.
  const rows: Row[] = [{ path: 'API GET /v1/runs/:id (for scale)', images: 0, samples: await timed(REQUESTS, () => api.call('GET', `/v1/runs/${runId}`)) }];
  for (const images of [1, 100]) {
    const bodies = predictBodies(features, images);
    for (const form of ['nested', 'tensor'] as const) {
      rows.push({ path: `API predict, ${form === 'nested' ? 'nested instances' : 'flat uint8 tensor'}`, images, samples: await timed(REQUESTS, () => api.call('POST', `/v1/runs/${runId}/predict`, bodies[form])) });
    }
  }
  rows.push({ path: 'API evaluate', images: testCount, samples: await timed(EVALUATIONS, () => api.call('POST', `/v1/runs/${runId}/evaluate`, { datasetId: testId })) });
  return rows;
}

async function measureInProcess(modelDir: string, features: Float32Array): Promise<Row[]> {
  await selectBackend(BACKEND);
  const model = await loadModelFromDir(modelDir);
  const rows: Row[] = [];
  for (const images of [1, 100]) {
    const x = tf.tensor4d(features.subarray(0, images * SIDE * SIDE), [images, SIDE, SIDE, 1]);
    rows.push({
      path: 'in process, model.predict',
      images,
      samples: await timed(REQUESTS, async () => {
        const y = model.predict(x) as tf.Tensor;
        await y.data();
        y.dispose();
      }),
    });
    x.dispose();
  }
  model.dispose();
  return rows;
}

function printTable(rows: Row[], meta: string) {
  const fmt = (v: number | null) => (v === null ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(1));
  console.log(`\n${meta}\n`);
  console.log('| path | images | p50 ms | p90 ms | p99 ms | images/s (at p50) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const sorted = [...row.samples].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50)!;
    console.log(`| ${row.path} | ${row.images || '-'} | ${fmt(p50)} | ${fmt(percentile(sorted, 90))} | ${fmt(percentile(sorted, 99))} | ${row.images ? Math.round((row.images / p50) * 1000).toLocaleString('en-US') : '-'} |`);
  }
}

async function main() {
  const place = await createBenchPlace('bench_predict');
  const db = createPrismaClient(place.databaseUrl);
  const redis = createRedis(place.redisUrl, 'trainyard-bench-predict');
  const port = await freePort();
  const backends = { TRAIN_BACKEND: BACKEND, COMPUTE_BACKEND: BACKEND };
  const api = startServiceProcess('src/server.ts', place, { PORT: String(port), RATE_LIMIT_PER_MINUTE: '1000000', ...backends });
  const worker = startServiceProcess('workers/worker.ts', place, backends);
  try {
    const { key } = await createApiKey(db, (await upsertTeam(db, 'bench')).id);
    const client = new Api(`http://127.0.0.1:${port}`, key);
    await waitForReady(client.baseUrl, 60_000);
    const data = await loadBenchDataset(Number(values.train), Number(values.test));
    const trainId = await client.uploadIdx(...toIdx(data.train.features, data.train.targets, data.train.numSamples));
    const testId = await client.uploadIdx(...toIdx(data.test.features, data.test.targets, data.test.numSamples));
    const runId = await client.trainedRun(trainId);
    const rows = [...(await measureApi(client, runId, testId, data.test.features, data.test.numSamples)), ...(await measureInProcess(new Storage(place.storageDir).modelDir(runId), data.test.features))];
    printTable(rows, `Reference CNN on ${data.source} (${data.test.numSamples} test images), backend ${BACKEND} (API compute child and this process), ${REQUESTS} requests per predict row, ${EVALUATIONS} evaluations`);
  } finally {
    await Promise.all([stopServiceProcess(api), stopServiceProcess(worker)]);
    await db.$disconnect();
    await removeBenchPlace(place, redis);
    await redis.quit();
  }
}

await main();
clearTimeout(watchdog);
