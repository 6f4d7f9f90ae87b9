import { api } from './api.ts';
import type { RunEvent, RunProgress } from './types.ts';

/** Close codes after which reconnecting cannot help: key revoked (4401), and a normal close by us. */
const FINAL_CLOSE_CODES = new Set([1000, 4401]);

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/**
 * One run's event stream that survives drops: it remembers the last `seq` handed on and
 * reopens with `?since=` that seq, so replay resumes exactly after it; anything at or below
 * it (the server never sends one, but a replay racing a live message could) is dropped, so the
 * consumer sees every event once, in order, with no gap.
 */
export class RunStream {
  private socket: WebSocket | null = null;
  private lastSeq = 0;
  private retryMs = 250;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  reconnects = 0;

  constructor(
    private readonly runId: string,
    private readonly onEvent: (event: RunEvent) => void,
    private readonly onState: (state: StreamState) => void,
    /** Batch progress, outside the numbering: handed on as it comes. */
    private readonly onProgress: (progress: RunProgress) => void = () => {},
  ) {
    this.open();
  }

  private open(): void {
    const socket = api.runEvents(this.runId, this.lastSeq);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 250;
      this.onState('live');
    };
    socket.onmessage = (message) => {
      const event = JSON.parse(String(message.data)) as RunEvent | RunProgress;
      if (event.type === 'progress') return this.onProgress(event);
      if (event.seq <= this.lastSeq) return;
      this.lastSeq = event.seq;
      this.onEvent(event);
    };
    socket.onclose = (close) => {
      if (this.stopped || FINAL_CLOSE_CODES.has(close.code)) return this.onState('closed');
      this.onState('reconnecting');
      // Backs off to 5 s so a restarting API is not hammered, but a blip reconnects at once.
      this.timer = setTimeout(() => {
        this.reconnects++;
        this.open();
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000);
  }
}
