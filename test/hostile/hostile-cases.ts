import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import WebSocket from 'ws';
import { COURSE_TABLE, csv } from '../datasets/fixtures/csv.ts';
import { gzip, idxFile, idxImages, idxLabels } from '../datasets/fixtures/idx.ts';
import { png, zipOf, type ZipEntryInput } from '../datasets/fixtures/zip.ts';

/** What every case may use: the app, a team with a ready dataset and a queued run, and another team with the same. */
export interface HostileContext {
  server: Server;
  wsUrl: string;
  auth: Record<string, string>;
  revokedAuth: Record<string, string>;
  datasetId: string;
  runId: string;
  otherDatasetId: string;
  otherRunId: string;
}

export interface Answer {
  status: number;
  body: { error?: { code?: string; message?: string } };
}

export interface HostileCase {
  name: string;
  send: (c: HostileContext) => Promise<Answer>;
  status: number;
  code: string;
}

/** Settings of the app under attack: small enough that the size guards are reachable in a test. */
export const HOSTILE_APP_CONFIG = {
  BODY_LIMIT_BYTES: String(16 * 1024),
  UPLOAD_LIMIT_BYTES: String(64 * 1024),
  MODEL_MAX_PARAMS: '5000',
  // 1 MiB of layer outputs per batch: the specs below stay far under it, except the one meant to cross it.
  MODEL_MAX_ACTIVATION_BYTES: String(1024 * 1024),
  ZIP_MAX_EXPANDED_BYTES: String(48 * 1024),
  ZIP_MAX_ENTRIES: '40',
  // A multipart body that ends inside a part is refused once this passes with nothing left to read.
  UPLOAD_IDLE_TIMEOUT_S: '1',
};

const NIL_UUID = '00000000-0000-4000-8000-000000000000';

const answer = (res: request.Response): Answer => ({ status: res.status, body: res.body });

// ---- datasets -----------------------------------------------------------------------------

const upload = (build: (req: request.Test) => request.Test) => async (c: HostileContext) => answer(await build(request(c.server).post('/v1/datasets').set(c.auth)));

const csvUpload = (file: Buffer, fields: Record<string, string> = {}) =>
  upload((req) => {
    req.field('format', 'csv');
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    return req.attach('file', file, 'data.csv');
  });

const idxUpload = (images: Buffer, labels: Buffer) => upload((req) => req.field('format', 'idx').attach('images', images, 'images.idx').attach('labels', labels, 'labels.idx'));

const zipUpload = (zip: () => Promise<Buffer>) => async (c: HostileContext) => {
  const file = await zip();
  return answer(await request(c.server).post('/v1/datasets').set(c.auth).field('format', 'image-zip').attach('file', file, 'upload.zip'));
};

const twoClasses = async (extra: ZipEntryInput[] = []) => zipOf([{ name: 'cats/1.png', data: await png(3, 3) }, { name: 'dogs/1.png', data: await png(3, 3, 1, 4) }, ...extra]);

/** Bytes that do not compress: each entry's ratio is ~1, only the total is too big. */
const noise = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + seed * 104729) % 251));

const truncatedGzip = () => {
  const whole = gzip(idxImages(10, 28, 28));
  return whole.subarray(0, Math.floor(whole.length / 2));
};

export const datasetCases: HostileCase[] = [
  { name: 'ragged CSV', send: csvUpload(csv('a,b,c', '1,2,3', '4,5', '6,7,8')), status: 400, code: 'INVALID_DATASET' },
  { name: 'empty CSV', send: csvUpload(Buffer.alloc(0)), status: 400, code: 'INVALID_DATASET' },
  { name: 'CSV header only', send: csvUpload(csv('a,b,c')), status: 400, code: 'INVALID_DATASET' },
  { name: 'CSV with a NaN feature', send: csvUpload(csv('a,y', '1,0', 'NaN,1', '2,0')), status: 400, code: 'INVALID_DATASET' },
  { name: 'CSV with an Infinity feature', send: csvUpload(csv('a,y', '1,0', 'Infinity,1', '2,0')), status: 400, code: 'INVALID_DATASET' },
  { name: 'CSV with a 1e400 feature', send: csvUpload(csv('a,y', '1,0', '1e400,1', '2,0')), status: 400, code: 'INVALID_DATASET' },
  { name: 'CSV with a feature beyond float32 (1e39)', send: csvUpload(csv('a,y', '1,0', '1e39,1', '2,0')), status: 400, code: 'INVALID_DATASET' },
  { name: 'CSV with a feature below -float32 max', send: csvUpload(csv('a,y', '1,0', '-3.5e38,1', '2,0')), status: 400, code: 'INVALID_DATASET' },
  { name: 'CSV regression target beyond float32', send: csvUpload(csv('a,y', '1,0', '2,3.5e38', '3,0'), { task: 'regression' }), status: 400, code: 'INVALID_DATASET' },
  { name: 'CSV unclosed quote', send: csvUpload(csv('a,b', '1,"2', '3,4')), status: 400, code: 'INVALID_DATASET' },
  { name: 'CSV unknown label column', send: csvUpload(Buffer.from(COURSE_TABLE), { label: 'z' }), status: 400, code: 'INVALID_DATASET' },
  { name: 'CSV negative label index', send: csvUpload(Buffer.from(COURSE_TABLE), { label: '-1' }), status: 400, code: 'INVALID_DATASET' },
  { name: 'CSV binary garbage', send: csvUpload(Buffer.from([0, 159, 146, 150, 0, 255, 10, 1, 2, 3])), status: 400, code: 'INVALID_DATASET' },
  { name: 'IDX header claims more images than present', send: idxUpload(idxFile([5, 2, 2], new Uint8Array(12)), idxLabels([0, 1, 0, 1, 0])), status: 400, code: 'INVALID_DATASET' },
  { name: 'IDX header claims fewer labels than present', send: idxUpload(idxImages(2, 2, 2), idxFile([2], [0, 1, 1, 0])), status: 400, code: 'INVALID_DATASET' },
  { name: 'IDX header claims 4 billion images', send: idxUpload(idxFile([0xffffffff, 2, 2], new Uint8Array(8)), idxLabels([0, 1])), status: 400, code: 'INVALID_DATASET' },
  { name: 'IDX image and label counts disagree', send: idxUpload(idxImages(3, 2, 2), idxLabels([0, 1])), status: 400, code: 'INVALID_DATASET' },
  { name: 'IDX truncated gzip', send: idxUpload(truncatedGzip(), idxLabels(Array(10).fill(1))), status: 400, code: 'INVALID_DATASET' },
  { name: 'IDX gzip bomb (ratio)', send: idxUpload(gzip(idxFile([20_000, 28, 28], new Uint8Array(20_000 * 784))), gzip(idxLabels(Array(20_000).fill(1)))), status: 400, code: 'ZIP_BOMB' },
  { name: 'IDX shorter than its header', send: idxUpload(Buffer.from([0, 0, 8, 3, 0, 0]), idxLabels([0])), status: 400, code: 'INVALID_DATASET' },
  { name: 'zip entry with ..', send: zipUpload(() => twoClasses([{ name: '../evil.png', data: Buffer.from('x') }])), status: 400, code: 'ZIP_PATH_TRAVERSAL' },
  { name: 'zip entry with a nested ..', send: zipUpload(() => twoClasses([{ name: 'cats/../../etc/x.png', data: Buffer.from('x') }])), status: 400, code: 'ZIP_PATH_TRAVERSAL' },
  { name: 'zip entry with an absolute path', send: zipUpload(() => twoClasses([{ name: '/etc/passwd', data: Buffer.from('x') }])), status: 400, code: 'ZIP_PATH_TRAVERSAL' },
  { name: 'zip bomb (compression ratio)', send: zipUpload(() => twoClasses([{ name: 'cats/bomb.png', data: Buffer.alloc(2 * 1024 * 1024) }])), status: 400, code: 'ZIP_BOMB' },
  {
    name: 'zip bomb (expanded bytes)',
    send: zipUpload(() => twoClasses([0, 1, 2].map((i) => ({ name: `cats/n${i}.png`, data: noise(16 * 1024, i), method: 'store' as const })))),
    status: 400,
    code: 'ZIP_BOMB',
  },
  { name: 'zip bomb (entry count)', send: zipUpload(() => twoClasses(Array.from({ length: 60 }, (_, i) => ({ name: `cats/e${i}/` })))), status: 400, code: 'ZIP_BOMB' },
  { name: 'zip entry lying about its size', send: zipUpload(async () => twoClasses([{ name: 'cats/liar.png', data: await png(30, 30, 3), declaredSize: 10 }])), status: 400, code: 'INVALID_UPLOAD' },
  { name: 'not a zip', send: zipUpload(async () => Buffer.from('PK? no, just text')), status: 400, code: 'INVALID_UPLOAD' },
  { name: 'unknown format', send: upload((req) => req.field('format', 'parquet').attach('file', Buffer.from('x'), 'x.parquet')), status: 400, code: 'UNSUPPORTED_FORMAT' },
  { name: 'missing format', send: upload((req) => req.attach('file', Buffer.from(COURSE_TABLE), 'data.csv')), status: 400, code: 'INVALID_UPLOAD' },
  { name: 'file over UPLOAD_LIMIT_BYTES', send: csvUpload(csv('a,b', ...Array.from({ length: 20_000 }, (_, i) => `${i},${i % 2}`))), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'JSON instead of multipart', send: upload((req) => req.send({ format: 'csv' })), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'a NUL byte in the dataset name', send: csvUpload(Buffer.from(COURSE_TABLE), { label: 'y', task: 'regression', name: 'evil\u0000name' }), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a NUL byte in a class label', send: csvUpload(csv('a,y', '1,cat', '2,d\u0000g', '3,cat')), status: 400, code: 'INVALID_DATASET' },
  { name: 'list with a cursor holding a NUL byte', send: async (c) => answer(await request(c.server).get(`/v1/datasets?cursor=${Buffer.from(`${new Date().toISOString()}|a\u0000b`).toString('base64url')}`).set(c.auth)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'list with a forged cursor', send: async (c) => answer(await request(c.server).get('/v1/datasets?cursor=not-a-cursor').set(c.auth)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'list with limit=1e400', send: async (c) => answer(await request(c.server).get('/v1/datasets?limit=1e400').set(c.auth)), status: 400, code: 'VALIDATION_FAILED' },
  { name: "another team's dataset", send: async (c) => answer(await request(c.server).get(`/v1/datasets/${c.otherDatasetId}`).set(c.auth)), status: 404, code: 'NOT_FOUND' },
  { name: "deleting another team's dataset", send: async (c) => answer(await request(c.server).delete(`/v1/datasets/${c.otherDatasetId}`).set(c.auth)), status: 404, code: 'NOT_FOUND' },
  { name: 'a dataset that does not exist', send: async (c) => answer(await request(c.server).get(`/v1/datasets/${randomUUID()}`).set(c.auth)), status: 404, code: 'NOT_FOUND' },
  { name: 'a malformed dataset id', send: async (c) => answer(await request(c.server).get(`/v1/datasets/${encodeURIComponent("1' OR '1'='1")}`).set(c.auth)), status: 404, code: 'NOT_FOUND' },
  { name: 'deleting a malformed dataset id', send: async (c) => answer(await request(c.server).delete('/v1/datasets/..%2F..%2Fetc').set(c.auth)), status: 404, code: 'NOT_FOUND' },
];

// ---- runs ---------------------------------------------------------------------------------

/** A valid run spec for the team's dataset (the course table: 3 features → 1 value), changed by `patch`. */
export function runSpec(datasetId: string, patch: (spec: Record<string, any>) => void = () => {}) {
  const spec: Record<string, any> = {
    datasetId,
    model: { layers: [{ type: 'dense', units: 1 }] },
    compile: { optimizer: { type: 'sgd', learningRate: 0.01 }, loss: 'meanSquaredError' },
    fit: { epochs: 1, batchSize: 5 },
  };
  patch(spec);
  return spec;
}

/** POSTs raw text as JSON: JSON.stringify cannot write 1e400, NaN or a duplicate key, a hostile client can. */
const rawJson = (path: (c: HostileContext) => string, body: (c: HostileContext) => string, contentType = 'application/json') => async (c: HostileContext) =>
  answer(await request(c.server).post(path(c)).set(c.auth).set('content-type', contentType).send(body(c)));

const submitRaw = (body: (c: HostileContext) => string, contentType?: string) => rawJson(() => '/v1/runs', body, contentType);
const submit = (patch: (spec: Record<string, any>) => void) => async (c: HostileContext) => answer(await request(c.server).post('/v1/runs').set(c.auth).send(runSpec(c.datasetId, patch)));
/** The valid spec's text with one JSON value replaced verbatim. */
const submitWith = (find: string, replace: string) => submitRaw((c) => JSON.stringify(runSpec(c.datasetId)).replace(find, replace));

export const runCases: HostileCase[] = [
  { name: 'malformed JSON', send: submitRaw(() => '{"datasetId":'), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'JSON with NaN', send: submitWith('"learningRate":0.01', '"learningRate":NaN'), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'learningRate 1e400 (Infinity)', send: submitWith('"learningRate":0.01', '"learningRate":1e400'), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'learningRate -1e400', send: submitWith('"learningRate":0.01', '"learningRate":-1e400'), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'epochs 1e400', send: submitWith('"epochs":1', '"epochs":1e400'), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'units 1e400', send: submitWith('"units":1', '"units":1e400'), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'negative epochs', send: submit((s) => (s.fit.epochs = -1)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'fractional batch size', send: submit((s) => (s.fit.batchSize = 2.5)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'epochs as a string', send: submit((s) => (s.fit.epochs = '10')), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'NaN as a string', send: submit((s) => (s.compile.optimizer.learningRate = 'NaN')), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'negative learning rate', send: submit((s) => (s.compile.optimizer.learningRate = -0.1)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'validationSplit of 1', send: submit((s) => (s.fit.validationSplit = 1)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'priority above 100', send: submit((s) => (s.priority = 101)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'negative priority', send: submit((s) => (s.priority = -1)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'epochs beyond the maximum', send: submit((s) => (s.fit.epochs = 1e9)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'negative dropout rate', send: submit((s) => s.model.layers.unshift({ type: 'dropout', rate: -0.5 })), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'unknown layer type', send: submit((s) => s.model.layers.unshift({ type: 'quantumEntangler' })), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'unknown top-level field', send: submit((s) => (s.gpuCount = 8)), status: 400, code: 'VALIDATION_FAILED' },
  { name: '__proto__ key', send: submitRaw((c) => JSON.stringify(runSpec(c.datasetId)).replace('{', '{"__proto__":{"isAdmin":true},')), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'empty body', send: submitRaw(() => ''), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'JSON null', send: submitRaw(() => 'null'), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a JSON array', send: submitRaw(() => '[]'), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'deeply nested JSON', send: submitRaw(() => '['.repeat(7000) + ']'.repeat(7000)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'oversized JSON (413)', send: submitRaw((c) => JSON.stringify({ ...runSpec(c.datasetId), padding: 'x'.repeat(20 * 1024) })), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'text/plain body', send: submitRaw((c) => JSON.stringify(runSpec(c.datasetId)), 'text/plain'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'model over MODEL_MAX_PARAMS', send: submit((s) => s.model.layers.unshift({ type: 'dense', units: 4000 })), status: 400, code: 'MODEL_TOO_LARGE' },
  // 500 units × 4 bytes × 1,024 samples = 2 MB of outputs in one batch, with only 2,000 weights.
  { name: 'batch over MODEL_MAX_ACTIVATION_BYTES', send: submit((s) => { s.model.layers.unshift({ type: 'dense', units: 500 }); s.fit.batchSize = 1024; }), status: 400, code: 'MODEL_TOO_LARGE' },
  {
    name: 'a Keras Dense of 10⁹ units',
    send: submit((s) => (s.model = { keras: { class_name: 'Sequential', config: { name: 'huge', layers: [{ class_name: 'Dense', config: { units: 1e9, batch_input_shape: [null, 3] } }] } } })),
    status: 400,
    code: 'MODEL_TOO_LARGE',
  },
  { name: 'layers that do not fit the data', send: submit((s) => s.model.layers.unshift({ type: 'conv2d', filters: 2, kernelSize: 3 })), status: 400, code: 'INVALID_MODEL' },
  { name: 'classification loss on a regression dataset', send: submit((s) => (s.compile.loss = 'categoricalCrossentropy')), status: 400, code: 'VALIDATION_FAILED' },
  { name: "another team's dataset", send: async (c) => answer(await request(c.server).post('/v1/runs').set(c.auth).send(runSpec(c.otherDatasetId))), status: 404, code: 'NOT_FOUND' },
  { name: 'a dataset that does not exist', send: async (c) => answer(await request(c.server).post('/v1/runs').set(c.auth).send(runSpec(NIL_UUID))), status: 404, code: 'NOT_FOUND' },
  { name: 'a malformed dataset id', send: async (c) => answer(await request(c.server).post('/v1/runs').set(c.auth).send(runSpec('../../etc/passwd'))), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a NUL byte in a layer name', send: submit((s) => (s.model.layers[0].name = 'out\u0000put')), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'list with a cursor holding a NUL byte', send: async (c) => answer(await request(c.server).get(`/v1/runs?cursor=${Buffer.from(`${new Date().toISOString()}|\u0000`).toString('base64url')}`).set(c.auth)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'list with an unknown status', send: async (c) => answer(await request(c.server).get('/v1/runs?status=hacked').set(c.auth)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'list with limit=-1', send: async (c) => answer(await request(c.server).get('/v1/runs?limit=-1').set(c.auth)), status: 400, code: 'VALIDATION_FAILED' },
];

/** Every per-run route, with another team's id, an id that does not exist and a malformed one. */
const perRunRoutes: [string, (c: HostileContext, id: string) => request.Test][] = [
  ['get', (c, id) => request(c.server).get(`/v1/runs/${id}`)],
  ['metrics', (c, id) => request(c.server).get(`/v1/runs/${id}/metrics`)],
  ['checkpoints', (c, id) => request(c.server).get(`/v1/runs/${id}/checkpoints`)],
  ['cancel', (c, id) => request(c.server).post(`/v1/runs/${id}/cancel`)],
  ['pause', (c, id) => request(c.server).post(`/v1/runs/${id}/pause`)],
  ['resume', (c, id) => request(c.server).post(`/v1/runs/${id}/resume`)],
  ['model.json', (c, id) => request(c.server).get(`/v1/runs/${id}/model/model.json`)],
  ['weights', (c, id) => request(c.server).get(`/v1/runs/${id}/model/weights.bin`)],
  ['predict', (c, id) => request(c.server).post(`/v1/runs/${id}/predict`).send({ instances: [[1, 2, 3]] })],
  ['evaluate', (c, id) => request(c.server).post(`/v1/runs/${id}/evaluate`).send({ datasetId: c.datasetId })],
];
const ids: [string, (c: HostileContext) => string][] = [
  ["another team's run", (c) => c.otherRunId],
  ['a run that does not exist', () => randomUUID()],
  ['a malformed run id', () => 'not-a-uuid'],
];
export const runIdCases: HostileCase[] = perRunRoutes.flatMap(([route, make]) =>
  ids.map(([what, id]) => ({ name: `${route} of ${what}`, send: async (c: HostileContext) => answer(await make(c, id(c)).set(c.auth)), status: 404, code: 'NOT_FOUND' })),
);

export const ownRunCases: HostileCase[] = [
  { name: 'model file path traversal', send: async (c) => answer(await request(c.server).get(`/v1/runs/${c.runId}/model/..%2F..%2F..%2Fetc%2Fpasswd`).set(c.auth)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'predict with 1e400', send: rawJson((c) => `/v1/runs/${c.runId}/predict`, () => '{"instances":[[1,2,1e400]]}'), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'predict with strings', send: async (c) => answer(await request(c.server).post(`/v1/runs/${c.runId}/predict`).set(c.auth).send({ instances: [['1', '2', '3']] })), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'predict with too many instances', send: async (c) => answer(await request(c.server).post(`/v1/runs/${c.runId}/predict`).set(c.auth).send({ instances: Array(1001).fill(1) })), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'predict before the model exists', send: async (c) => answer(await request(c.server).post(`/v1/runs/${c.runId}/predict`).set(c.auth).send({ instances: [[1, 2, 3]] })), status: 409, code: 'NO_MODEL' },
  { name: 'evaluate with a malformed dataset id', send: async (c) => answer(await request(c.server).post(`/v1/runs/${c.runId}/evaluate`).set(c.auth).send({ datasetId: 'x' })), status: 400, code: 'VALIDATION_FAILED' },
];

// ---- authentication and streams -------------------------------------------------------------

/** Opens a WebSocket; the HTTP answer it was refused with (the upgrade never happened), or 101. */
function wsAnswer(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    ws.on('open', () => {
      ws.close();
      resolve({ status: 101, body: {} });
    });
    ws.on('error', (err) => (err.message.startsWith('Unexpected server response') ? undefined : reject(err)));
  });
}

export const accessCases: HostileCase[] = [
  { name: 'no key', send: async (c) => answer(await request(c.server).get('/v1/runs')), status: 401, code: 'UNAUTHORIZED' },
  { name: 'a made-up key', send: async (c) => answer(await request(c.server).get('/v1/runs').set('authorization', 'Bearer ty_madeup')), status: 401, code: 'UNAUTHORIZED' },
  { name: 'a revoked key', send: async (c) => answer(await request(c.server).get('/v1/runs').set(c.revokedAuth)), status: 401, code: 'UNAUTHORIZED' },
  { name: 'a Basic authorization', send: async (c) => answer(await request(c.server).get('/v1/runs').set('authorization', 'Basic dXNlcjpwYXNz')), status: 401, code: 'UNAUTHORIZED' },
  { name: 'a 10 kB key', send: async (c) => answer(await request(c.server).get('/v1/runs').set('authorization', `Bearer ${'k'.repeat(10_000)}`)), status: 401, code: 'UNAUTHORIZED' },
  { name: "stream of another team's run", send: (c) => wsAnswer(`${c.wsUrl}/v1/runs/${c.otherRunId}/events`, c.auth), status: 404, code: 'NOT_FOUND' },
  { name: 'stream of a malformed run id', send: (c) => wsAnswer(`${c.wsUrl}/v1/runs/%00%00/events`, c.auth), status: 404, code: 'NOT_FOUND' },
  { name: 'stream with since=-1', send: (c) => wsAnswer(`${c.wsUrl}/v1/runs/${c.runId}/events?since=-1`, c.auth), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'stream with since=1e400', send: (c) => wsAnswer(`${c.wsUrl}/v1/runs/${c.runId}/events?since=1e400`, c.auth), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'stream with a revoked key', send: (c) => wsAnswer(`${c.wsUrl}/v1/events`, c.revokedAuth), status: 401, code: 'UNAUTHORIZED' },
  { name: 'a key in ?access_token=', send: async (c) => answer(await request(c.server).get(`/v1/runs?access_token=${c.auth.authorization.slice(7)}`)), status: 401, code: 'UNAUTHORIZED' },
  { name: 'a key in ?%61ccess_token=', send: async (c) => answer(await request(c.server).get(`/v1/runs?%61ccess_token=${c.auth.authorization.slice(7)}`)), status: 401, code: 'UNAUTHORIZED' },
  { name: 'stream with a key in ?access%5Ftoken=', send: (c) => wsAnswer(`${c.wsUrl}/v1/events?access%5Ftoken=${c.auth.authorization.slice(7)}`, {}), status: 401, code: 'UNAUTHORIZED' },
  { name: 'unknown route', send: async (c) => answer(await request(c.server).get('/v1/../../etc/passwd').set(c.auth)), status: 404, code: 'NOT_FOUND' },
];

// ---- input that once answered 500 ------------------------------------------------------------

const cursorFor = (iso: string) => Buffer.from(`${iso}|${NIL_UUID}`).toString('base64url');
/** Dates JavaScript holds and PostgreSQL's timestamp does not (or the reverse), and ones encodeCursor never writes. */
const forgedCursorDates = ['+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '+200000-01-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '9999', '1969-12-31T23:59:59.999Z'];
const listRoutes = ['/v1/datasets', '/v1/runs', '/v1/models'];

const postJson = (path: (c: HostileContext) => string, body: string) => rawJson(path, () => body);
const deeply = (depth: number, leaf = '1') => '['.repeat(depth) + leaf + ']'.repeat(depth);
const multipartRaw = (path: string, contentType: string, body: string | Buffer) => async (c: HostileContext) =>
  answer(await request(c.server).post(path).set(c.auth).set('content-type', contentType).send(body));

/** A multipart body whose file part is cut off before its closing boundary, the body itself complete. */
const cutOffPart = (route: string) =>
  (route === '/v1/models'
    ? ['--b0', 'content-disposition: form-data; name="model"; filename="model.json"', '', '{"modelTopology":']
    : ['--b0', 'content-disposition: form-data; name="format"', '', 'csv', '--b0', 'content-disposition: form-data; name="file"; filename="x.csv"', '', 'a,b']
  ).join('\r\n');

export const inputCases: HostileCase[] = [
  ...listRoutes.flatMap((route) =>
    forgedCursorDates.map((iso) => ({
      name: `${route} with a cursor dated ${iso}`,
      send: async (c: HostileContext) => answer(await request(c.server).get(`${route}?cursor=${cursorFor(iso)}`).set(c.auth)),
      status: 400,
      code: 'VALIDATION_FAILED',
    })),
  ),
  ...['/v1/datasets', '/v1/models'].flatMap((route) => [
    { name: `${route}: multipart without a boundary`, send: multipartRaw(route, 'multipart/form-data', 'xx'), status: 400, code: 'INVALID_UPLOAD' },
    { name: `${route}: multipart with an empty boundary`, send: multipartRaw(route, 'multipart/form-data; boundary=', 'xx'), status: 400, code: 'INVALID_UPLOAD' },
    { name: `${route}: multipart with a 71-character boundary`, send: multipartRaw(route, `multipart/form-data; boundary=${'b'.repeat(71)}`, 'xx'), status: 400, code: 'INVALID_UPLOAD' },
    { name: `${route}: multipart with an unclosed quoted boundary`, send: multipartRaw(route, 'multipart/form-data; boundary="', 'xx'), status: 400, code: 'INVALID_UPLOAD' },
    { name: `${route}: a file part cut off before its boundary`, send: multipartRaw(route, 'multipart/form-data; boundary=b0', cutOffPart(route)), status: 400, code: 'INVALID_UPLOAD' },
  ]),
  // BODY_LIMIT_BYTES is 16 KiB here, so 7,000 levels is as deep as a body gets (100,000: test/plugins/input-guard.test.ts).
  { name: 'objects nested 2,500 deep (runs)', send: submitRaw(() => '{"a":'.repeat(2500) + '1' + '}'.repeat(2500)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'predict instances nested 7,000 deep', send: postJson((c) => `/v1/runs/${c.runId}/predict`, `{"instances":${deeply(7000)}}`), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'evaluate body nested 7,000 deep', send: postJson((c) => `/v1/runs/${c.runId}/evaluate`, `{"datasetId":${deeply(7000)}}`), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a lone surrogate in a Keras model string', send: submit((s) => (s.model = { keras: { class_name: 'Sequential\ud800', config: {} } })), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a NUL in a Keras model string', send: submit((s) => (s.model = { keras: { class_name: 'Seq\u0000uential', config: {} } })), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a lone low surrogate in a JSON key', send: submitRaw((c) => JSON.stringify(runSpec(c.datasetId)).replace('{', '{"\\udc00":1,')), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a lone surrogate in a layer name', send: submit((s) => (s.model.layers[0].name = 'out\ud83dput')), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a NUL in a query string', send: async (c) => answer(await request(c.server).get('/v1/runs?status=%00').set(c.auth)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a NUL in a CSV column name kept as a class', send: csvUpload(csv('a,y\u0000z', '1,0', '2,1', '3,0'), { label: '1', task: 'multilabel' }), status: 400, code: 'INVALID_DATASET' },
  { name: 'a NUL in a base model name (multipart)', send: async (c) => answer(await request(c.server).post('/v1/models').set(c.auth).field('name', 'm\u0000').attach('model', Buffer.from('{}'), 'model.json')), status: 400, code: 'VALIDATION_FAILED' },
  ...['cancel', 'pause', 'resume'].map((action) => ({
    name: `${action} of a run id holding a NUL`,
    send: async (c: HostileContext) => answer(await request(c.server).post(`/v1/runs/%00/${action}`).set(c.auth)),
    status: 404,
    code: 'NOT_FOUND',
  })),
  { name: 'delete of a model id holding a NUL', send: async (c) => answer(await request(c.server).delete('/v1/models/x%00y').set(c.auth)), status: 404, code: 'NOT_FOUND' },
  { name: 'a URL that is not valid percent-encoding', send: async (c) => answer(await request(c.server).get('/v1/datasets/%ED%A0%80').set(c.auth)), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'a URL with a bare %', send: async (c) => answer(await request(c.server).get('/v1/runs/%zz').set(c.auth)), status: 400, code: 'VALIDATION_FAILED' },
];
