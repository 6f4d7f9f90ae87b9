import { describe, expect, it } from 'vitest';
import { RunEventSequencer } from '../../src/events/run-event-sequencer.ts';
import type { RunEvent } from '../../src/events/run-event-map.ts';
import { range, seqs } from './event-fixtures.ts';

const ev = (seq: number): RunEvent => ({ seq, type: 'log', runId: 'r', at: new Date(0).toISOString(), level: 'info', message: `m${seq}` });

/** A stand-in for PostgreSQL holding events 1..stored, answering after a tick. */
function harness(lastSeq: number, stored: { n: number }, opts: { maxBuffered?: number; pageSize?: number } = {}) {
  const delivered: RunEvent[] = [];
  const reads: number[] = [];
  const sequencer = new RunEventSequencer({
    lastSeq,
    fetchAfter: async (afterSeq, limit) => {
      reads.push(afterSeq);
      await new Promise((r) => setTimeout(r, 1));
      return range(afterSeq + 1, Math.min(stored.n, afterSeq + limit)).map(ev);
    },
    deliver: (event) => {
      delivered.push(event);
      return true;
    },
    onError: (err) => {
      throw err;
    },
    ...opts,
  });
  return { sequencer, delivered, reads };
}

describe('RunEventSequencer', () => {
  it('replays in pages, then flushes what arrived meanwhile without duplicates', async () => {
    const stored = { n: 25 };
    const { sequencer, delivered, reads } = harness(3, stored, { pageSize: 10 });
    const pass = sequencer.catchUp();
    // Published while the replay reads: 24 and 25 are in the database too; 26 arrives later.
    stored.n = 26;
    sequencer.push(ev(24));
    sequencer.push(ev(26));
    sequencer.push(ev(25));
    await pass;
    expect(seqs(delivered)).toEqual(range(4, 26));
    expect(reads.slice(0, 3)).toEqual([3, 13, 23]);
    sequencer.push(ev(26));
    sequencer.push(ev(27));
    expect(seqs(delivered)).toEqual(range(4, 27));
  });

  it('reads PostgreSQL when an announcement overtook an earlier one, and ignores the late one', async () => {
    const stored = { n: 3 };
    const { sequencer, delivered } = harness(0, stored);
    await sequencer.catchUp();
    stored.n = 5;
    sequencer.push(ev(5));
    await sequencer.catchUp();
    sequencer.push(ev(4));
    expect(seqs(delivered)).toEqual(range(1, 5));
  });

  it('recovers an announcement lost entirely at the next one', async () => {
    const stored = { n: 0 };
    const { sequencer, delivered } = harness(0, stored);
    await sequencer.catchUp();
    stored.n = 3;
    sequencer.push(ev(1));
    sequencer.push(ev(3));
    await sequencer.catchUp();
    expect(seqs(delivered)).toEqual([1, 2, 3]);
  });

  it('keeps memory bounded: an overflowing buffer is dropped and read back', async () => {
    const stored = { n: 0 };
    const { sequencer, delivered } = harness(0, stored, { maxBuffered: 5 });
    const pass = sequencer.catchUp();
    stored.n = 40;
    for (const seq of range(1, 40)) sequencer.push(ev(seq));
    await pass;
    expect(seqs(delivered)).toEqual(range(1, 40));
  });

  it('stops delivering once the subscriber is gone', async () => {
    const delivered: number[] = [];
    const sequencer = new RunEventSequencer({
      lastSeq: 0,
      fetchAfter: async (afterSeq) => range(afterSeq + 1, 10).map(ev),
      deliver: (event) => {
        delivered.push(event.seq);
        return event.seq < 3;
      },
      onError: () => {},
    });
    await sequencer.catchUp();
    sequencer.push(ev(11));
    expect(delivered).toEqual([1, 2, 3]);
  });

  it('reports a failed read and stops', async () => {
    const errors: unknown[] = [];
    const sequencer = new RunEventSequencer({
      lastSeq: 0,
      fetchAfter: async () => {
        throw new Error('db down');
      },
      deliver: () => true,
      onError: (err) => errors.push(err),
    });
    await sequencer.catchUp();
    expect(errors).toHaveLength(1);
  });
});
