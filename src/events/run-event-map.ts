/**
 * The WebSocket protocol, as one typed map: every message a subscriber can receive is
 * `{ seq, type, runId, at, ...data }` with `data` shaped by its type. `seq` increases by
 * one per run, starting at 1.
 */
export interface RunEventMap {
  status: {
    status: 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'canceled';
    backend?: string;
    /** With `running`: the adapter or CPU the backend trains on. */
    device?: string;
    workerId?: string;
    error?: { code: string; message: string };
    stopReason?: string;
  };
  epoch: {
    epoch: number;
    /** tfjs's metric names: loss, acc, val_loss, val_acc, ... */
    metrics: Record<string, number>;
    durationMs: number;
    samplesPerSec: number;
    learningRate?: number;
  };
  /** `batch`: null for an end-of-epoch checkpoint, else the batches done in `epoch` (in progress). */
  checkpoint: { checkpointId: string; epoch: number; batch: number | null; sizeBytes: number; metrics: Record<string, number> };
  log: { level: 'info' | 'warn' | 'error'; message: string };
}

export type RunEventType = keyof RunEventMap;

export type RunEvent<T extends RunEventType = RunEventType> = {
  [K in T]: { seq: number; type: K; runId: string; at: string } & RunEventMap[K];
}[T];

export const RUN_EVENT_TYPES: RunEventType[] = ['status', 'epoch', 'checkpoint', 'log'];
