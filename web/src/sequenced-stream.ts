/** A message of a numbered stream (a run's or an experiment's events); `progress` ones sit outside the numbering. */
interface Sequenced {
  seq: number;
  type: string;
}

/** Close codes after which reconnecting cannot help: key revoked (4401), and a normal close by us. */
const FINAL_CLOSE_CODES = new Set([1000, 4401]);

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/**
 * One event stream (a run's, an experiment's) that survives drops: it remembers the last
 * `seq` handed on and reopens with `?since=` that seq, so replay resumes exactly after it;
 * anything at or below it (the server never sends one, but a replay racing a live message could) is dropped, so the
 * consumer sees every event once, in order, with no gap.
 */
export class SequencedStream<E extends Sequenced, P = never> {
  private socket: WebSocket | null = null;
  private lastSeq = 0;
  private retryMs = 250;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  reconnects = 0;

  constructor(
    /** Opens the socket replaying after `since`. */
    private readonly connect: (since: number) => WebSocket,
    private readonly onEvent: (event: E) => void,
    private readonly onState: (state: StreamState) => void,
    /** Messages of type `progress` (a run's batch progress), outside the numbering: handed on as they come. */
    private readonly onProgress: (progress: P) => void = () => {},
  ) {
    this.open();
  }

  private open(): void {
    const socket = this.connect(this.lastSeq);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 250;
      this.onState('live');
    };
    socket.onmessage = (message) => {
      const data: unknown = JSON.parse(String(message.data));
      if ((data as { type?: unknown }).type === 'progress') return this.onProgress(data as P);
      const event = data as E;
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
