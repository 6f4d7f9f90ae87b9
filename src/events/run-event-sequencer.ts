import type { RunEvent } from './run-event-map.ts';

/** What the sequencer needs of an event: its number in its stream (a run's or an experiment's). */
export interface SequencedEvent {
  seq: number;
}

export interface RunEventSequencerOptions<E extends SequencedEvent = RunEvent> {
  /** The highest `seq` the subscriber already has; delivery starts at `lastSeq + 1`. */
  lastSeq: number;
  /** Reads stored events with `seq > afterSeq`, oldest first. */
  fetchAfter: (afterSeq: number, limit: number) => Promise<E[]>;
  /** Hands one event to the subscriber; false once the subscriber is gone (stops the sequencer). */
  deliver: (event: E) => boolean;
  /** Resolves when the subscriber can take more replayed events; false if it went away meanwhile. */
  waitWritable?: () => Promise<boolean>;
  /** Called when reading PostgreSQL fails; the sequencer stops. */
  onError: (err: unknown) => void;
  /** Rows per PostgreSQL read. */
  pageSize?: number;
  /** Live events held while catching up; beyond this they are dropped and read back instead. */
  maxBuffered?: number;
}

/**
 * Delivers one stream's events (a run's, or an experiment's) exactly once and in `seq` order, whatever order and however
 * often they come from Redis. Redis is only the fast path: whenever the next number is
 * missing (the start of a subscription, an announcement overtaken by a later one or lost
 * while Redis reconnected), the sequencer reads PostgreSQL from the last delivered `seq`.
 * Live events arriving meanwhile are buffered and flushed afterwards, skipping what the
 * read already delivered, so the seam between replay and live has no gap and no duplicate.
 */
export class RunEventSequencer<E extends SequencedEvent = RunEvent> {
  private lastSeq: number;
  /** Set and cleared synchronously, so a live event is never held after a pass has flushed. */
  private catchingUp = false;
  private pass: Promise<void> = Promise.resolve();
  private buffer: E[] = [];
  private overflowed = false;
  private stopped = false;
  private readonly pageSize: number;
  private readonly maxBuffered: number;

  constructor(private readonly opts: RunEventSequencerOptions<E>) {
    this.lastSeq = opts.lastSeq;
    this.pageSize = opts.pageSize ?? 200;
    this.maxBuffered = opts.maxBuffered ?? 1000;
  }

  /** The highest `seq` delivered so far. */
  get delivered(): number {
    return this.lastSeq;
  }

  /** Offers a live event. */
  push(event: E): void {
    if (this.stopped || event.seq <= this.lastSeq) return;
    if (this.catchingUp) {
      this.hold(event);
    } else if (event.seq === this.lastSeq + 1) {
      this.send(event);
    } else {
      this.hold(event);
      void this.catchUp();
    }
  }

  /** Reads PostgreSQL until nothing newer is known; concurrent calls share one pass. */
  catchUp(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.catchingUp) {
      this.catchingUp = true;
      this.pass = this.replay().catch((err) => {
        this.stop();
        this.opts.onError(err);
      });
    }
    return this.pass;
  }

  stop(): void {
    this.stopped = true;
    this.buffer = [];
  }

  private async replay(): Promise<void> {
    for (;;) {
      for (;;) {
        const page = await this.opts.fetchAfter(this.lastSeq, this.pageSize);
        for (const event of page) {
          if (this.stopped) return;
          if (this.opts.waitWritable && !(await this.opts.waitWritable())) return this.stop();
          if (event.seq > this.lastSeq) this.send(event);
        }
        if (this.stopped || page.length < this.pageSize) break;
      }
      if (this.stopped) return;
      // Everything below is synchronous, so no live event can slip between the flush and
      // going live: one arriving later is either next in line or reveals a gap.
      const held = this.buffer.sort((a, b) => a.seq - b.seq);
      this.buffer = [];
      let gap = this.overflowed;
      this.overflowed = false;
      for (const event of held) {
        if (this.stopped) return;
        if (event.seq <= this.lastSeq) continue;
        if (event.seq !== this.lastSeq + 1) {
          // Committed (it was announced) but not seen by our read: read again.
          gap = true;
          break;
        }
        this.send(event);
      }
      if (!gap) {
        // Live from here on, in the same turn as the flush.
        this.catchingUp = false;
        return;
      }
    }
  }

  private hold(event: E) {
    if (this.buffer.length >= this.maxBuffered) {
      // Memory stays bounded; PostgreSQL has every dropped event.
      this.buffer = [];
      this.overflowed = true;
    } else {
      this.buffer.push(event);
    }
  }

  private send(event: E) {
    this.lastSeq = event.seq;
    if (!this.opts.deliver(event)) this.stop();
  }
}
