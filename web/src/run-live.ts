import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { SequencedStream, type StreamState } from './sequenced-stream.ts';
import type { Metrics, Run, RunEvent, RunProgress } from './types.ts';

export interface LiveRun {
  run: Run | null;
  /** Epoch number → its metrics; a resumed run that repeats an epoch overwrites it. */
  epochs: Map<number, Metrics>;
  logs: { seq: number; at: string; level: string; message: string }[];
  state: StreamState;
  reconnects: number;
  /** Bumped on each checkpoint event, so the checkpoints list reloads. */
  checkpointTick: number;
  /** The latest batch progress of the epoch in progress; null once that epoch's event came. */
  batchProgress: RunProgress | null;
  error: string | null;
}

const LOG_TAIL = 200;

function reduce(live: LiveRun, event: RunEvent): LiveRun {
  switch (event.type) {
    case 'epoch':
      return { ...live, batchProgress: live.batchProgress && live.batchProgress.epoch <= event.epoch ? null : live.batchProgress, epochs: new Map(live.epochs).set(event.epoch, event.metrics), run: live.run && { ...live.run, currentEpoch: Math.max(live.run.currentEpoch, event.epoch) } };
    case 'log':
      return { ...live, logs: [...live.logs, { seq: event.seq, at: event.at, level: event.level, message: event.message }].slice(-LOG_TAIL) };
    case 'checkpoint':
      return { ...live, checkpointTick: live.checkpointTick + 1 };
    case 'status':
      return { ...live, run: live.run && { ...live.run, status: event.status } };
  }
}

/**
 * A run as it happens: the record once, then everything from its event stream (replayed from
 * the start, then live), with no polling. A status event also refetches the record, which is
 * where test metrics, the stop reason and timings live.
 */
export function useLiveRun(id: string): LiveRun {
  const [live, setLive] = useState<LiveRun>({ run: null, epochs: new Map(), logs: [], state: 'connecting', reconnects: 0, checkpointTick: 0, batchProgress: null, error: null });
  useEffect(() => {
    let stopped = false;
    const refresh = () => api.run(id).then((run) => !stopped && setLive((l) => ({ ...l, run })), (err: Error) => !stopped && setLive((l) => ({ ...l, error: err.message })));
    void refresh();
    const stream = new SequencedStream<RunEvent, RunProgress>(
      (since) => api.runEvents(id, since),
      (event) => {
        setLive((l) => reduce(l, event));
        if (event.type === 'status') void refresh();
      },
      (state) => setLive((l) => ({ ...l, state, reconnects: stream.reconnects })),
      // A progress message overtaken by its epoch's event (it travels outside the numbering) is stale.
      (progress) => setLive((l) => (l.epochs.has(progress.epoch) ? l : { ...l, batchProgress: progress })),
    );
    return () => {
      stopped = true;
      stream.close();
    };
  }, [id]);
  return live;
}
