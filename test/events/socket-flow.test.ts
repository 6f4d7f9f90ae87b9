import { afterEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { keepAlive, sendOrShed, SLOW_CONSUMER_CLOSE_CODE, waitWritable, type FlowSocket } from '../../src/events/socket-flow.ts';

function fakeSocket(bufferedPerSend: number) {
  const closes: [number, string][] = [];
  const socket = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send(data: string) {
      this.bufferedAmount += bufferedPerSend || data.length;
    },
    close(code: number, reason: string) {
      closes.push([code, reason]);
      this.readyState = 2;
    },
  };
  return { socket: socket as unknown as FlowSocket & { bufferedAmount: number }, closes };
}

describe('slow consumer policy', () => {
  it('sends while the backlog is under the limit, then closes with 1013 and stops', () => {
    const { socket, closes } = fakeSocket(400);
    expect(sendOrShed(socket, 'a', 1000)).toBe(true);
    expect(sendOrShed(socket, 'b', 1000)).toBe(true);
    expect(sendOrShed(socket, 'c', 1000)).toBe(false);
    expect(closes).toEqual([[SLOW_CONSUMER_CLOSE_CODE, 'slow consumer']]);
    expect(sendOrShed(socket, 'd', 1000)).toBe(false);
    expect(socket.bufferedAmount).toBe(1200);
  });

  it('paces a replay: waits until the backlog drains below the low-water mark', async () => {
    const { socket } = fakeSocket(0);
    socket.bufferedAmount = 5000;
    setTimeout(() => (socket.bufferedAmount = 100), 30);
    const started = Date.now();
    expect(await waitWritable(socket, 500, 5)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});

describe('keepAlive', () => {
  let server: WebSocketServer | undefined;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
  });

  async function serve(intervalMs: number) {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => server!.once('listening', r));
    server.on('connection', (socket) => keepAlive(socket, intervalMs));
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('terminates a peer that stops answering pings, and keeps one that answers', async () => {
    const url = await serve(50);
    const silent = new WebSocket(url, { autoPong: false });
    const healthy = new WebSocket(url);
    let healthyClosed = false;
    healthy.on('close', () => (healthyClosed = true));
    const silentClosed = new Promise<number>((r) => silent.on('close', (code) => r(code)));
    // Terminated, not closed: 1006 on the client side.
    expect(await silentClosed).toBe(1006);
    await new Promise((r) => setTimeout(r, 200));
    expect(healthyClosed).toBe(false);
    healthy.close();
  });
});
