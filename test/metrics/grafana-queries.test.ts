import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../helper.ts';
import { slowRunSpec, submitRun, uploadRegression, waitFor } from '../e2e/durability-fixture.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { startPrivatePrometheus, type PrivatePrometheus } from './fixtures/private-prometheus.ts';

const TOKEN = 'test-operator-token-grafana-0123';
const EPOCHS = 4;
const root = path.resolve(import.meta.dirname, '../..');

interface Panel {
  title: string;
  targets: { expr: string }[];
}
const dashboard = JSON.parse(readFileSync(path.join(root, 'deploy/grafana/dashboards/trainyard.json'), 'utf8')) as { panels: Panel[] };
const panel = (title: RegExp) => dashboard.panels.find((p) => title.test(p.title))!;
/** Grafana's own variable, as it would expand it for a one-second scrape over a short dashboard range. */
const expand = (expr: string) => expr.replaceAll('$__rate_interval', '2m');

/**
 * Grafana cannot run here (no package, no Docker), so the part of it that can be wrong is run
 * for real: Debian's Prometheus scrapes the API with deploy/'s scrape job while a run trains,
 * and every query of the Grafana dashboard is evaluated by it, as Grafana would send it.
 */
describe('the Grafana dashboard, its queries run by a real Prometheus', () => {
  let s: Stack;
  let prometheus: PrivatePrometheus;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let epochRates: number[] = [];
  let backend = '';

  beforeAll(async () => {
    s = await startStack({ METRICS_TOKEN: TOKEN });
    prometheus = await startPrivatePrometheus({ deployConfig: path.join(root, 'deploy/prometheus/prometheus.yml'), target: new URL(s.wsUrl).host, token: TOKEN });
    team = await createTeam(s.config);
    await waitFor('a first scrape', () => prometheus.scrapedSince(0));
    const datasetId = await uploadRegression(s.app.server, team.auth, 40);
    const runId = await submitRun(s.app.server, team.auth, slowRunSpec(datasetId, EPOCHS));
    const run = await waitFor('the run to complete', async () => {
      const res = await request(s.app.server).get(`/v1/runs/${runId}`).set(team.auth);
      return res.body.status === 'completed' ? res.body : null;
    });
    backend = run.backend;
    const metrics = await request(s.app.server).get(`/v1/runs/${runId}/metrics`).set(team.auth).expect(200);
    epochRates = metrics.body.epochs.map((e: { samplesPerSec: number }) => e.samplesPerSec);
    const finishedAt = Date.now();
    // Two scrapes after the run: the worker's last observations have reached the API through Redis.
    await waitFor('a scrape after the run', () => prometheus.scrapedSince(finishedAt + 1000));
  }, 180_000);
  afterAll(async () => {
    await prometheus?.stop();
    await s?.close();
  });

  it('has every panel query accepted by Prometheus', async () => {
    for (const { title, targets } of dashboard.panels) {
      for (const { expr } of targets) await expect(prometheus.query(expand(expr)), title).resolves.toBeInstanceOf(Array);
    }
  });

  it("shows the run's throughput on its backend, between its slowest and fastest epoch", async () => {
    expect(epochRates).toHaveLength(EPOCHS);
    const [series] = await prometheus.query(expand(panel(/^Training throughput/).targets[0].expr));
    expect(series.metric).toEqual({ backend });
    expect(series.value).toBeGreaterThanOrEqual(Math.min(...epochRates) * 0.999);
    expect(series.value).toBeLessThanOrEqual(Math.max(...epochRates) * 1.001);
    const [epochsPerMinute] = await prometheus.query(expand(panel(/^Epochs per minute/).targets[0].expr));
    expect(epochsPerMinute).toMatchObject({ metric: { backend } });
    expect(epochsPerMinute.value).toBeGreaterThan(0);
  });

  it('counts the completed run, its team’s queue back at 0, one live worker and the team’s stored bytes', async () => {
    const finished = await prometheus.query(panel(/^Runs finished/).targets[0].expr);
    expect(finished.find((r) => r.metric.status === 'completed')?.value).toBeGreaterThan(0.5);
    // Other test files share the database, so the all-teams queue is whatever they left queued:
    // it must agree with the per-team panel of the same scrape, where this team queues nothing.
    const [queueDepth] = await prometheus.query(panel(/^Queue depth/).targets[0].expr);
    const byTeam = await prometheus.query(panel(/^Runs by team and status/).targets[0].expr);
    const queued = byTeam.filter((r) => r.metric.status === 'queued');
    expect(queueDepth.value).toBe(queued.reduce((sum, r) => sum + r.value, 0));
    expect(queued.find((r) => r.metric.team === team.name)?.value ?? 0).toBe(0);
    expect(await prometheus.query(panel(/^Live workers/).targets[0].expr)).toEqual([{ metric: { backend }, value: 1 }]);
    const stored = await prometheus.query(panel(/^Stored bytes/).targets[0].expr);
    expect(stored.find((r) => r.metric.team === team.name)?.value).toBeGreaterThan(0);
  });
});
