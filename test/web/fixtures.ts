import request from 'supertest';
import type { FastifyInstance } from 'fastify';

/** The course's table: three quiz scores → final score (README's curl example). */
export const COURSE_TABLE = ['x1,x2,x3,y', '73,80,75,152', '93,88,93,185', '89,91,90,180', '96,98,100,196', '73,66,70,142'].join('\n');

/**
 * A regression table big enough that an epoch takes a visible while on the cpu backend (so a
 * test watches the curve grow), with a seeded generator so every run is the same.
 */
export function slowTable(rows = 3000, columns = 16): string {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const header = [...Array.from({ length: columns }, (_, i) => `x${i}`), 'y'].join(',');
  const lines = Array.from({ length: rows }, () => {
    const xs = Array.from({ length: columns }, next);
    return [...xs, xs.reduce((a, b) => a + b, 0)].map((v) => v.toFixed(4)).join(',');
  });
  return [header, ...lines].join('\n');
}

export async function uploadCsv(app: FastifyInstance, auth: Record<string, string>, csv: string, name = 'table.csv'): Promise<string> {
  const res = await request(app.server).post('/v1/datasets').set(auth).field('format', 'csv').field('label', 'y').field('task', 'regression').attach('file', Buffer.from(csv), name);
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function submitRun(app: FastifyInstance, auth: Record<string, string>, datasetId: string, opts: { epochs: number; learningRate: number; hidden?: number; batchSize?: number }): Promise<string> {
  const layers = [...(opts.hidden ? [{ type: 'dense', units: opts.hidden, activation: 'relu' }, { type: 'dense', units: opts.hidden, activation: 'relu' }] : []), { type: 'dense', units: 1 }];
  const res = await request(app.server)
    .post('/v1/runs')
    .set(auth)
    .send({
      datasetId,
      model: { layers },
      compile: { optimizer: { type: 'sgd', learningRate: opts.learningRate }, loss: 'meanSquaredError', metrics: ['mae'] },
      fit: { epochs: opts.epochs, batchSize: opts.batchSize ?? 5, validationSplit: 0.2 },
    });
  if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Waits for a run to reach a final status by polling the API (a test's own wait, not the dashboard's). */
export async function waitFinished(app: FastifyInstance, auth: Record<string, string>, runId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(app.server).get(`/v1/runs/${runId}`).set(auth);
    if (['completed', 'failed', 'canceled'].includes(res.body.status)) return;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
