import { Counter, Histogram, Registry } from 'prom-client';

// Epochs run from a fraction of a second (a CSV table) to hours (a big CNN on the CPU).
const EPOCH_SECONDS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];
const SAMPLES_PER_SECOND = [10, 30, 100, 300, 1000, 3000, 10_000, 30_000, 100_000, 300_000];
const QUEUE_WAIT_SECONDS = [0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600];

const RESTART_REASONS = ['crash', 'handoff', 'takeover', 'lease-lost'] as const;
const END_STATUSES = ['completed', 'canceled', 'paused', 'failed'] as const;

/** Why a run started again somewhere: its trainer crashed, its worker stopped (handoff, takeover) or lost PostgreSQL. */
export type RestartReason = (typeof RESTART_REASONS)[number];

/**
 * What a worker measures while it trains, in a registry of its own: the worker process has
 * no HTTP server, so the registry travels to the API through Redis (metrics-relay.ts) and is
 * served, summed over every worker, by the API's GET /metrics. Labels are bounded: backends,
 * final statuses, restart reasons and the stable error codes.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly epochSeconds = new Histogram({ name: 'trainyard_epoch_duration_seconds', help: 'Wall time of one training epoch', labelNames: ['backend'], buckets: EPOCH_SECONDS, registers: [this.registry] });
  private readonly samplesPerSecond = new Histogram({ name: 'trainyard_epoch_samples_per_second', help: 'Training throughput of one epoch', labelNames: ['backend'], buckets: SAMPLES_PER_SECOND, registers: [this.registry] });
  private readonly queueWait = new Histogram({ name: 'trainyard_queue_wait_seconds', help: 'From a run’s submission to its first start on a worker', buckets: QUEUE_WAIT_SECONDS, registers: [this.registry] });
  private readonly finished = new Counter({ name: 'trainyard_runs_finished_total', help: 'Runs that reached a final status (or were paused) on a worker', labelNames: ['status'], registers: [this.registry] });
  private readonly failures = new Counter({ name: 'trainyard_run_failures_total', help: 'Failed runs by error code', labelNames: ['code'], registers: [this.registry] });
  private readonly restarts = new Counter({ name: 'trainyard_run_restarts_total', help: 'Runs started again from a checkpoint (or the start), by reason', labelNames: ['reason'], registers: [this.registry] });
  private changed: () => void = () => {};

  /**
   * Every series this worker can move exists from its start, at zero. A series born at its
   * first observation has no earlier sample, so Prometheus' rate() and increase() miss that
   * observation: a short run's epochs and its "completed" would never show on a dashboard.
   */
  constructor(backend?: string) {
    if (backend) {
      this.epochSeconds.zero({ backend });
      this.samplesPerSecond.zero({ backend });
    }
    for (const status of END_STATUSES) this.finished.inc({ status }, 0);
    for (const reason of RESTART_REASONS) this.restarts.inc({ reason }, 0);
  }

  /** Called after every observation, so the relay can publish soon after an epoch or a final status. */
  onChange(listener: () => void): void {
    this.changed = listener;
  }

  epoch(backend: string, durationMs: number, samplesPerSec: number): void {
    this.epochSeconds.observe({ backend }, durationMs / 1000);
    this.samplesPerSecond.observe({ backend }, samplesPerSec);
    this.changed();
  }

  firstStart(waitedMs: number): void {
    this.queueWait.observe(Math.max(0, waitedMs) / 1000);
    this.changed();
  }

  ended(status: (typeof END_STATUSES)[number], code?: string): void {
    this.finished.inc({ status });
    if (status === 'failed') this.failures.inc({ code: code ?? 'UNKNOWN' });
    this.changed();
  }

  restarted(reason: RestartReason): void {
    this.restarts.inc({ reason });
    this.changed();
  }
}
