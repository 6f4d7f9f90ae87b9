import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ApiMetrics } from '../../src/metrics/api-metrics.ts';
import { WorkerMetrics } from '../../src/metrics/worker-metrics.ts';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
// Compose's services share settings through YAML merge keys (`<<: *app`).
const yamlOf = (file: string) => parse(read(file), { merge: true }) as Record<string, any>;

/** Every metric family the API serves (its own and the workers'), read off the exposition's TYPE lines. */
async function servedFamilies(): Promise<Set<string>> {
  const worker = new WorkerMetrics();
  worker.epoch('engine', 1000, 100);
  const api = new ApiMetrics({ runs: async () => [], storedBytes: async () => [], workerBackends: async () => [], websocketSubscribers: () => 0, workerSnapshots: async () => [await worker.registry.getMetricsAsJSON()] });
  const { body } = await api.render();
  return new Set([...body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
}

/**
 * deploy/ cannot be run here (no Docker), so what can drift is checked: the compose services
 * mount files that exist, Prometheus scrapes the API with the token compose gives it, and
 * every metric the Grafana dashboard queries is one the API serves.
 */
describe('the monitoring deployment', () => {
  const compose = yamlOf('docker-compose.yml');

  it('runs Prometheus and Grafana behind the monitoring profile, mounting files that exist', () => {
    for (const name of ['prometheus', 'grafana']) {
      const service = compose.services[name];
      expect(service.profiles).toEqual(['monitoring']);
      for (const volume of service.volumes as string[]) {
        const [source] = volume.split(':');
        if (source.startsWith('./')) expect(existsSync(path.join(root, source)), volume).toBe(true);
      }
    }
    expect(compose.secrets.metrics_token).toEqual({ environment: 'METRICS_TOKEN' });
    expect(compose.services.prometheus.secrets).toEqual(['metrics_token']);
    expect(compose.services.api.environment.METRICS_TOKEN).toBe('${METRICS_TOKEN:-}');
  });

  it('has Prometheus scrape the API’s /metrics with the token compose mounts', () => {
    const [job] = yamlOf('deploy/prometheus/prometheus.yml').scrape_configs;
    expect(job.metrics_path).toBe('/metrics');
    expect(job.authorization).toEqual({ type: 'Bearer', credentials_file: '/run/secrets/metrics_token' });
    expect(job.static_configs[0].targets).toEqual(['api:3000']);
  });

  it('has a Grafana dashboard that queries only metrics the API serves, on the provisioned datasource', async () => {
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/trainyard.json'));
    const [datasource] = yamlOf('deploy/grafana/provisioning/datasources/prometheus.yml').datasources;
    const families = await servedFamilies();
    const queried = new Set<string>();
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid, panel.title).toBe(datasource.uid);
      for (const target of panel.targets) for (const [name] of target.expr.matchAll(/trainyard_[a-z_]+/g)) queried.add(name.replace(/_(bucket|sum|count)$/, ''));
    }
    expect([...queried].filter((name) => !families.has(name))).toEqual([]);
    // The panels: queue, throughput per backend, failures, per-team usage.
    for (const name of ['trainyard_queue_depth', 'trainyard_epoch_samples_per_second', 'trainyard_run_failures_total', 'trainyard_stored_bytes', 'trainyard_runs']) expect(queried).toContain(name);
  });
});
