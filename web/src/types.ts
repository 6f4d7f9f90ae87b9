/** The API's shapes as the dashboard reads them (openapi.yaml is the contract; a generated client replaces these later). */
export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'canceled';
export type Metrics = Record<string, number>;

export interface Run {
  id: string;
  datasetId: string;
  status: RunStatus;
  priority: number;
  backend: string | null;
  device: string | null;
  currentEpoch: number;
  totalEpochs: number;
  latestMetrics: Metrics | null;
  testMetrics: Metrics | null;
  modelSummary: { layers: { name: string; type: string; outputShape: (number | null)[]; params: number }[]; totalParams: number } | null;
  error: { code: string; message: string } | null;
  stopReason: string | null;
  spec: { compile: Record<string, unknown>; fit: Record<string, unknown>; [k: string]: unknown };
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EpochRow {
  epoch: number;
  durationMs: number;
  samplesPerSec: number;
  [metric: string]: number | null | string;
}

export interface Checkpoint {
  id: string;
  epoch: number;
  batch: number | null;
  metrics: Metrics;
  sizeBytes: number;
  createdAt: string;
}

export interface Dataset {
  id: string;
  name: string;
  format: string;
  task: string;
  status: 'processing' | 'ready' | 'failed';
  numSamples: number;
  inputShape: number[];
  targetShape: number[];
  numClasses: number | null;
  classNames: string[];
  bytes: number;
  error: unknown;
  createdAt: string;
}

export interface DatasetPreview {
  classCounts: { name: string; count: number }[] | null;
  columns: { index: number; min: number; max: number; mean: number; std: number }[] | null;
  statsRows: number;
  samples: { index: number; target: number[]; features: number[] }[];
}

export interface Worker {
  id: string;
  hostname: string;
  backend: string;
  device: string;
  concurrency: number;
  lastHeartbeatAt: string;
  adapter: { vendor: string; architecture: string; description: string } | null;
  currentRuns: { runId: string | null; busy?: true }[];
}

export interface Experiment {
  id: string;
  name: string;
  status: string;
  searcher: { type: string };
  metric: { name: string; mode: string };
  maxTrials: number;
  bestTrialId: string | null;
  bestRunId: string | null;
  bestMetric: number | null;
  trials: Record<string, number>;
  createdAt: string;
}

export interface Trial {
  id: string;
  index: number;
  runId: string;
  values: Record<string, number | string | boolean>;
  state: string;
  rung: number;
  rungMetrics: number[];
  metric: number | null;
}

/** One event of an experiment's stream (WS /v1/experiments/:id/events). */
export interface ExperimentEvent {
  seq: number;
  type: 'trial_created' | 'trial_promoted' | 'trial_paused' | 'trial_completed' | 'new_best' | 'status';
  experimentId: string;
  at: string;
  trialId?: string;
  index?: number;
  runId?: string;
  rung?: number;
  metric?: number | null;
  state?: 'completed' | 'failed' | 'canceled';
  status?: string;
}

export type Prediction = { probabilities: number[]; classIndex?: number; className?: string; labels?: string[]; value?: number[] };

export type RunEvent =
  | { seq: number; type: 'status'; runId: string; at: string; status: RunStatus; error?: { message: string }; stopReason?: string }
  | { seq: number; type: 'epoch'; runId: string; at: string; epoch: number; metrics: Metrics; durationMs: number; samplesPerSec: number }
  | { seq: number; type: 'checkpoint'; runId: string; at: string; checkpointId: string; epoch: number; batch: number | null; sizeBytes: number }
  | { seq: number; type: 'log'; runId: string; at: string; level: string; message: string };

/** Transient batch progress within an epoch (`?progress=true`): no `seq`, never replayed. */
export type RunProgress = { type: 'progress'; runId: string; at: string; epoch: number; batch: number; batches: number };
