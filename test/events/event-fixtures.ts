import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/prisma-client.ts';
import type { RunEvent } from '../../src/events/run-event-map.ts';

/** A run inserted directly, as the runs API would leave it: queued, no events yet. */
export async function createRun(db: Db, teamId: string): Promise<string> {
  const dataset = await db.dataset.create({
    data: { teamId, name: 'd', format: 'csv', task: 'regression', status: 'ready', inputShape: [3], targetShape: [1] },
  });
  const run = await db.run.create({ data: { teamId, datasetId: dataset.id, spec: {}, totalEpochs: 3 } });
  return run.id;
}

export const logEvent = (runId: string, teamId: string, message: string) => ({
  runId,
  teamId,
  type: 'log' as const,
  data: { level: 'info' as const, message },
});

export function wsUrl(app: FastifyInstance, path: string): string {
  const { port } = app.server.address() as AddressInfo;
  return `ws://127.0.0.1:${port}${path}`;
}

export interface StreamClient {
  ws: WebSocket;
  events: RunEvent[];
  /** Resolves once `predicate` holds for the events received so far. */
  until: (predicate: (events: RunEvent[]) => boolean, timeoutMs?: number) => Promise<RunEvent[]>;
  closed: Promise<{ code: number; reason: string }>;
  close: () => Promise<void>;
}

/** Opens a stream and records every message; rejects if the server refuses the upgrade. */
export function openStream(url: string, options: { headers?: Record<string, string>; protocols?: string[]; autoPong?: boolean } = {}): Promise<StreamClient> {
  const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers, autoPong: options.autoPong ?? true });
  const events: RunEvent[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    events.push(JSON.parse(data.toString()));
    for (const check of waiters) check();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const check of waiters) check();
    }),
  );
  const until = (predicate: (events: RunEvent[]) => boolean, timeoutMs = 15_000) =>
    new Promise<RunEvent[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out with ${events.length} events: ${events.map((e) => e.seq).join(',')}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate(events)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(events);
      };
      waiters.add(check);
      check();
    });
  const close = async () => {
    if (ws.readyState === WebSocket.CLOSED) return;
    ws.close();
    await closed;
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, events, until, closed, close }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode, body: body ? JSON.parse(body) : null })));
    });
    ws.once('error', reject);
  });
}

/** Resolves to the HTTP status and body a refused upgrade answered with. */
export async function refusedUpgrade(url: string, headers: Record<string, string> = {}) {
  try {
    const client = await openStream(url, { headers });
    await client.close();
    throw new Error('upgrade was accepted');
  } catch (err) {
    const { statusCode, body } = err as { statusCode?: number; body?: { error: { code: string } } };
    if (statusCode === undefined) throw err;
    return { statusCode, body };
  }
}

export const seqs = (events: RunEvent[]) => events.map((e) => e.seq);
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
