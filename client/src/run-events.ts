import createClient from 'openapi-fetch';
import { TrainyardApiError } from './api-error.ts';
import type { components, paths } from './api-types.generated.ts';
import { authHeader, type Connection } from './connection.ts';
import { EventQueue } from './event-queue.ts';

export type RunEvent = components['schemas']['RunEvent'];

export interface RunEventsOptions {
  /** Replay only events after this `seq` (default 0: the whole run). */
  since?: number;
  /** Stops the stream (the iterator then ends). */
  signal?: AbortSignal;
}

const FINAL = new Set(['completed', 'failed', 'canceled']);

/** Whether an event is the last one of its run: its final status. */
export const isFinalEvent = (event: RunEvent) => event.type === 'status' && FINAL.has(event.status);

/**
 * One run's events, replayed then live, as an async iterator that ends after the run's final
 * status (or on `signal`). The key travels as the `bearer.<key>` subprotocol, which browsers'
 * WebSockets can send too. A refused handshake only says "failed" in a browser, so the same
 * path is then asked over plain HTTP to throw the API's own error (404, 401...).
 */
export function runEvents(connection: Connection, runId: string, options: RunEventsOptions = {}): AsyncGenerator<RunEvent> {
  return eventStream<RunEvent>(connection, `/v1/runs/${encodeURIComponent(runId)}/events`, isFinalEvent, () => handshakeError(connection, runId), options);
}

/** A stream of `{ seq, ... }` messages at `path`, ended by `isLast`, `signal` or the server. */
export async function* eventStream<E>(
  connection: Connection,
  path: string,
  isLast: (event: E) => boolean,
  refused: () => Promise<Error>,
  options: RunEventsOptions,
): AsyncGenerator<E> {
  const WebSocketImpl = connection.webSocket ?? globalThis.WebSocket;
  if (!WebSocketImpl) throw new Error('no WebSocket implementation: pass `webSocket` (e.g. the `ws` package) to createTrainyardClient');
  const url = `${connection.baseUrl.replace(/^http/, 'ws')}${path}?since=${options.since ?? 0}`;
  const socket = new WebSocketImpl(url, [`bearer.${connection.apiKey}`]);
  const queue = new EventQueue<E>();
  let opened = false;
  socket.addEventListener('open', () => (opened = true));
  socket.addEventListener('message', (message) => queue.push(JSON.parse(String(message.data)) as E));
  socket.addEventListener('close', (close) => {
    if (options.signal?.aborted) queue.end();
    else if (opened && close.code !== 1000 && close.code !== 1005) queue.fail(new Error(`event stream closed: ${close.code} ${close.reason}`));
    else if (opened) queue.end();
  });
  socket.addEventListener('error', () => {
    if (!opened && !options.signal?.aborted) void refused().then((err) => queue.fail(err));
  });
  const abort = () => socket.close(1000);
  options.signal?.addEventListener('abort', abort);
  try {
    for await (const event of queue) {
      yield event;
      if (isLast(event)) return;
    }
  } finally {
    options.signal?.removeEventListener('abort', abort);
    socket.close(1000);
  }
}

/** Why the upgrade was refused, as the API tells it to a plain GET of the same path. */
async function handshakeError(connection: Connection, runId: string): Promise<Error> {
  const api = createClient<paths>({ baseUrl: connection.baseUrl, headers: authHeader(connection), fetch: connection.fetch });
  try {
    const { error, response } = await api.GET('/v1/runs/{id}/events', { params: { path: { id: runId } } });
    // 426 means the path and key are fine: the socket failed for another reason.
    if (response.status !== 426) return TrainyardApiError.from(response, error);
  } catch (err) {
    return err as Error;
  }
  return new Error('the event stream could not be opened');
}
