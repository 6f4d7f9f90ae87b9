import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsSnapshot } from './metrics-relay.ts';
import type { TeamBytes, TeamCount } from './metrics.repository.ts';

// API answers take milliseconds (a run's page) to seconds (an upload, an evaluate).
const HTTP_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** What a scrape reads at the moment it happens: PostgreSQL's runs and bytes, Redis's workers and their metrics. */
export interface ScrapeSources {
  runs(): Promise<TeamCount[]>;
  storedBytes(): Promise<TeamBytes[]>;
  workerBackends(): Promise<string[]>;
  websocketSubscribers(): number;
  workerSnapshots(): Promise<MetricsSnapshot[]>;
}

/**
 * The API's Prometheus metrics: its own HTTP traffic and refusals (counted as they happen),
 * the state of the service (read from PostgreSQL and Redis at each scrape, so every API
 * replica reports the same truth), and the workers' training metrics, summed over every
 * worker's snapshot in Redis. Labels are bounded: route templates (never raw paths or ids),
 * statuses, stable error codes, backends, team names.
 */
export class ApiMetrics {
  private readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'trainyard_http_requests_total', help: 'HTTP requests by route template and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly latency = new Histogram({ name: 'trainyard_http_request_duration_seconds', help: 'HTTP request latency by route template', labelNames: ['method', 'route'], buckets: HTTP_SECONDS, registers: [this.registry] });
  private readonly rejected = new Counter({ name: 'trainyard_rejected_requests_total', help: 'Requests answered with an error, by its stable code (RATE_LIMITED, QUOTA_EXCEEDED, VALIDATION_FAILED, ...)', labelNames: ['code'], registers: [this.registry] });

  /** One read of the runs per scrape, so the queue depth always equals the queued runs by team. */
  private runsOfScrape: Promise<TeamCount[]> | null = null;

  constructor(private readonly sources: ScrapeSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'trainyard_api_' });
    this.stateGauges();
  }

  /** One answered request; `route` is the matched template (`/v1/runs/:id`), or `unmatched`. */
  answered(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.latency.observe({ method, route }, seconds);
  }

  refused(code: string): void {
    this.rejected.inc({ code });
  }

  /** The text a scrape gets: this API's registry merged with every worker's, summed. */
  async render(): Promise<{ contentType: string; body: string }> {
    const workers = AggregatorRegistry.aggregate<typeof Registry.PROMETHEUS_CONTENT_TYPE>(await this.sources.workerSnapshots());
    const merged = Registry.merge([this.registry, workers]);
    this.runsOfScrape = this.sources.runs();
    try {
      return { contentType: merged.contentType, body: await merged.metrics() };
    } finally {
      this.runsOfScrape = null;
    }
  }

  private stateGauges(): void {
    const { sources } = this;
    const registers = [this.registry];
    const runs = () => this.runsOfScrape ?? sources.runs();
    // Each collect resets first, so a team or backend that is gone drops out instead of keeping its last value.
    new Gauge({ name: 'trainyard_runs', help: 'Runs by status and team', labelNames: ['status', 'team'], registers, async collect() {
      this.reset();
      for (const r of await runs()) this.set({ status: r.status, team: r.team }, r.count);
    } });
    new Gauge({ name: 'trainyard_queue_depth', help: 'Runs waiting in the queue (status queued), all teams', registers, async collect() {
      this.set((await runs()).filter((r) => r.status === 'queued').reduce((sum, r) => sum + r.count, 0));
    } });
    new Gauge({ name: 'trainyard_workers', help: 'Live workers (heartbeat not expired) by backend', labelNames: ['backend'], registers, async collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const backend of await sources.workerBackends()) counts.set(backend, (counts.get(backend) ?? 0) + 1);
      for (const [backend, count] of counts) this.set({ backend }, count);
    } });
    new Gauge({ name: 'trainyard_websocket_subscribers', help: 'Open WebSocket event streams on this API process', registers, collect() {
      this.set(sources.websocketSubscribers());
    } });
    new Gauge({ name: 'trainyard_stored_bytes', help: 'Bytes kept in storage by team and kind', labelNames: ['team', 'kind'], registers, async collect() {
      this.reset();
      for (const b of await sources.storedBytes()) this.set({ team: b.team, kind: b.kind }, b.bytes);
    } });
  }
}
