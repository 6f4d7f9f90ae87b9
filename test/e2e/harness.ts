import type { AddressInfo } from 'node:net';
import pino from 'pino';
import WebSocket from 'ws';
import { startWorker, type RunningWorker } from '../../workers/worker-runtime.ts';
import { buildTestApp, type TestApp } from '../helper.ts';

/** The whole service as a user meets it: the API listening on a port and one real worker. */
export interface Stack extends TestApp {
  baseUrl: string;
  wsUrl: string;
  worker: RunningWorker;
}

export async function startStack(overrides: Record<string, string> = {}): Promise<Stack> {
  const t = await buildTestApp(overrides);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const worker = await startWorker(t.config, pino({ level: 'silent' }));
  return {
    ...t,
    worker,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    close: async () => {
      await worker.close();
      await t.close();
    },
  };
}

export interface StreamedEvent {
  seq: number;
  type: string;
  runId: string;
  [key: string]: unknown;
}

/** Collects a run's events over a real WebSocket until the run reaches a final status. */
export function collectUntilFinished(url: string, headers: Record<string, string>, timeoutMs = 120_000): Promise<StreamedEvent[]> {
  return new Promise((resolve, reject) => {
    const events: StreamedEvent[] = [];
    const ws = new WebSocket(url, { headers });
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`run did not finish within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => [e.seq, e.type, e.status ?? e.epoch]))}`));
    }, timeoutMs);
    ws.on('message', (raw) => {
      const event = JSON.parse(String(raw)) as StreamedEvent;
      events.push(event);
      if (event.type === 'status' && ['completed', 'failed', 'canceled'].includes(event.status as string)) {
        clearTimeout(timer);
        ws.close();
        resolve(events);
      }
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
