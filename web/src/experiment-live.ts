import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { SequencedStream, type StreamState } from './sequenced-stream.ts';
import type { Experiment, ExperimentEvent, Trial } from './types.ts';

export interface LiveExperiment {
  experiment: Experiment | null;
  trials: Trial[];
  /** The latest events, newest first: what the page's feed shows. */
  feed: ExperimentEvent[];
  state: StreamState;
  error: string | null;
}

const FEED_LENGTH = 12;
/** Events come in bursts (a trial completes, the next is created, a new best): one refetch per burst. */
const REFETCH_DELAY_MS = 150;

const load = async (id: string) => ({ experiment: await api.experiment(id), trials: await api.trials(id) });

/**
 * An experiment as its search goes on: the record and trials once, then again after each
 * burst of its events (replayed from the start, then live), with no polling. The events say
 * what changed; the refetch brings the counts, rung metrics and best that they summarise.
 */
export function useLiveExperiment(id: string): LiveExperiment {
  const [live, setLive] = useState<LiveExperiment>({ experiment: null, trials: [], feed: [], state: 'connecting', error: null });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () =>
      load(id).then(
        (value) => !stopped && setLive((l) => ({ ...l, ...value, error: null })),
        (err: Error) => !stopped && setLive((l) => ({ ...l, error: err.message })),
      );
    void refresh();
    const stream = new SequencedStream<ExperimentEvent>(
      (since) => api.experimentEvents(id, since),
      (event) => {
        setLive((l) => ({ ...l, feed: [event, ...l.feed].slice(0, FEED_LENGTH) }));
        clearTimeout(timer);
        timer = setTimeout(() => void refresh(), REFETCH_DELAY_MS);
      },
      (state) => setLive((l) => ({ ...l, state })),
    );
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream.close();
    };
  }, [id]);
  return live;
}
