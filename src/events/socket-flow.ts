import type { WebSocket } from '@fastify/websocket';

/** Close code for a subscriber that reads slower than events arrive ("try again later"). */
export const SLOW_CONSUMER_CLOSE_CODE = 1013;

/** The subset of a `ws` socket the policies below use, so they can be tested in isolation. */
export type FlowSocket = Pick<WebSocket, 'readyState' | 'bufferedAmount' | 'send' | 'close' | 'OPEN'>;

/**
 * Sends a live message unless the subscriber has fallen too far behind. Live events cannot be
 * paused, so a consumer holding more than `maxBufferedBytes` unsent is closed with 1013 rather
 * than letting its backlog grow without bound; it reconnects with `?since=` and loses nothing.
 * Returns whether the socket is still worth writing to.
 */
export function sendOrShed(socket: FlowSocket, data: string, maxBufferedBytes: number): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  socket.send(data);
  if (socket.bufferedAmount > maxBufferedBytes) {
    socket.close(SLOW_CONSUMER_CLOSE_CODE, 'slow consumer');
    return false;
  }
  return true;
}

/**
 * Sends a message that the next one supersedes (batch progress) only while the subscriber is
 * keeping up: one with a backlog skips it instead, and is never closed on its account.
 */
export function sendIfKeepingUp(socket: FlowSocket, data: string, lowWaterBytes: number): void {
  if (socket.readyState === socket.OPEN && socket.bufferedAmount <= lowWaterBytes) socket.send(data);
}

/**
 * Replays are paced by the reader instead: wait until the backlog is below `lowWaterBytes`.
 * A reader that never drains stops answering pings too, and the keep-alive ends it.
 */
export async function waitWritable(socket: FlowSocket, lowWaterBytes: number, pollMs = 10): Promise<boolean> {
  while (socket.readyState === socket.OPEN && socket.bufferedAmount > lowWaterBytes) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return socket.readyState === socket.OPEN;
}

/**
 * Pings every `intervalMs` and terminates a socket that did not answer the previous ping,
 * so half-open connections (a laptop closed, a proxy dropping state) do not pile up.
 * Returns the function that stops it.
 */
export function keepAlive(socket: WebSocket, intervalMs: number): () => void {
  let answered = true;
  const onPong = () => {
    answered = true;
  };
  socket.on('pong', onPong);
  const timer = setInterval(() => {
    if (!answered) {
      socket.terminate();
      return;
    }
    answered = false;
    if (socket.readyState === socket.OPEN) socket.ping();
  }, intervalMs);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    socket.off('pong', onPong);
  };
  socket.once('close', stop);
  return stop;
}
