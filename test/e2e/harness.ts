import type { AddressInfo } from 'node:net';
import pino from 'pino';
import WebSocket from 'ws';
import { createTrainyardClient, type RunEvent, type TrainyardClient } from '../../client/src/index.ts';
import { startWorker, type RunningWorker } from '../../workers/worker-runtime.ts';
import { buildTestApp, type TestApp } from '../helper.ts';

/** The whole service as a user meets it: the API listening on a port and one real worker. */
export interface Stack extends TestApp {
  baseUrl: string;
  wsUrl: string;
  worker: RunningWorker;
  /** The typed client (`client/`) on this stack with a team's key, as users' programs talk to it. */
  clientFor: (key: string) => TrainyardClient;
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
    // Node 20 has no global WebSocket; `ws`'s has the same interface.
    clientFor: (key) => createTrainyardClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: key, webSocket: WebSocket as unknown as typeof globalThis.WebSocket }),
    close: async () => {
      await worker.close();
      await t.close();
    },
  };
}

/** A run's events through the typed client's stream until the run reaches a final status. */
export async function collectUntilFinished(client: TrainyardClient, runId: string, timeoutMs = 120_000): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  const signal = AbortSignal.timeout(timeoutMs);
  for await (const event of client.runEvents(runId, { signal })) events.push(event);
  const last = events.at(-1);
  if (!last || last.type !== 'status' || !['completed', 'failed', 'canceled'].includes(last.status)) {
    throw new Error(`run did not finish within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => [e.seq, e.type, e.type === 'status' ? e.status : e.type === 'epoch' ? e.epoch : null]))}`);
  }
  return events;
}
