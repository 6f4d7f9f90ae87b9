import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiMetrics } from '../../src/metrics/api-metrics.ts';
import { publishSnapshot, readSnapshots } from '../../src/metrics/metrics-relay.ts';
import { WorkerMetrics } from '../../src/metrics/worker-metrics.ts';
import { parseSamples, valueOf } from './prometheus-text.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `tytest-relay-${randomUUID().slice(0, 8)}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const apiOver = (snapshots: () => ReturnType<typeof readSnapshots>) =>
  new ApiMetrics({ runs: async () => [], storedBytes: async () => [], workerBackends: async () => [], websocketSubscribers: () => 0, workerSnapshots: snapshots });

describe('worker metrics through Redis', () => {
  it('are summed over every worker in one scrape of the API, histograms bucket by bucket', async () => {
    const [a, b] = [new WorkerMetrics(), new WorkerMetrics()];
    a.epoch('engine', 2000, 900);
    a.epoch('engine', 4000, 800);
    b.epoch('engine', 1000, 1200);
    b.epoch('webgpu', 500, 5000);
    a.ended('completed');
    b.ended('failed', 'TRAINER_CRASHED');
    b.restarted('crash');
    await publishSnapshot(redis, prefix, 'worker-a', await a.registry.getMetricsAsJSON(), 60);
    await publishSnapshot(redis, prefix, 'worker-b', await b.registry.getMetricsAsJSON(), 60);
    await redis.set(`${prefix}:metrics:workers:broken`, '{not json');

    const samples = parseSamples((await apiOver(() => readSnapshots(redis, prefix)).render()).body);
    expect(valueOf(samples, 'trainyard_epoch_duration_seconds_count', { backend: 'engine' })).toBe(3);
    expect(valueOf(samples, 'trainyard_epoch_duration_seconds_sum', { backend: 'engine' })).toBeCloseTo(7);
    expect(valueOf(samples, 'trainyard_epoch_duration_seconds_bucket', { backend: 'engine', le: '2' })).toBe(2);
    expect(valueOf(samples, 'trainyard_epoch_duration_seconds_count', { backend: 'webgpu' })).toBe(1);
    expect(valueOf(samples, 'trainyard_runs_finished_total', { status: 'completed' })).toBe(1);
    expect(valueOf(samples, 'trainyard_run_failures_total', { code: 'TRAINER_CRASHED' })).toBe(1);
    expect(valueOf(samples, 'trainyard_run_restarts_total', { reason: 'crash' })).toBe(1);
  });

  it('serve the API’s own metrics alone when no worker has published', async () => {
    const samples = parseSamples((await apiOver(async () => []).render()).body);
    expect(samples.some((s) => s.name === 'trainyard_api_process_cpu_user_seconds_total')).toBe(true);
    expect(samples.some((s) => s.name.startsWith('trainyard_epoch_'))).toBe(false);
  });
});
