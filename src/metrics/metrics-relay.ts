import type { Redis } from 'ioredis';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';

export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

const snapshotKey = (prefix: string, workerId: string) => `${prefix}:metrics:workers:${workerId}`;

/**
 * Stores a worker's metrics (prom-client's JSON form) in Redis for the API to serve: workers
 * have no port to scrape, and one scrape of the API then covers them all. The key lives a
 * while past the worker (`ttlS`), so a worker's last counts are still served for a few
 * scrapes after it stopped, then drop out.
 */
export async function publishSnapshot(redis: Redis, prefix: string, workerId: string, snapshot: MetricsSnapshot, ttlS: number): Promise<void> {
  await redis.set(snapshotKey(prefix, workerId), JSON.stringify(snapshot), 'EX', ttlS);
}

/** Every worker's latest snapshot; SCAN, never KEYS, and an unreadable one is skipped. */
export async function readSnapshots(redis: Redis, prefix: string): Promise<MetricsSnapshot[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', snapshotKey(prefix, '*'), 'COUNT', 200);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  if (keys.size === 0) return [];
  const snapshots: MetricsSnapshot[] = [];
  for (const value of await redis.mget(...keys)) {
    try {
      if (value) snapshots.push(JSON.parse(value) as MetricsSnapshot);
    } catch {
      // A half-written or foreign value: the next publish replaces it.
    }
  }
  return snapshots;
}
