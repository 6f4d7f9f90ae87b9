import type { Redis } from 'ioredis';
import { z } from 'zod';

/** The WebGPU adapter of a worker on the webgpu backend (src/training/webgpu-backend.ts). */
export const adapterInfoSchema = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
  isFallbackAdapter: z.boolean(),
});

export const workerRunSchema = z.object({ runId: z.string(), teamId: z.string() });

/** What a worker says about itself on every heartbeat. */
export const workerInfoSchema = z.object({
  id: z.string().min(1),
  hostname: z.string(),
  pid: z.number().int(),
  /** The tfjs backend that loaded: tfjs-node-gpu, tfjs-node, cpu, ... */
  backend: z.string(),
  /** e.g. the GPU's name, or "cpu". */
  device: z.string(),
  concurrency: z.number().int(),
  currentRuns: z.array(workerRunSchema),
  startedAt: z.string(),
  /** Why faster backends were not used, so "why is this slow" has an answer. */
  fallbackReasons: z.array(z.string()).optional(),
  adapter: adapterInfoSchema.optional(),
});
export type WorkerInfo = z.infer<typeof workerInfoSchema>;

export const workerRecordSchema = workerInfoSchema.extend({ lastHeartbeatAt: z.string() });
export type WorkerRecord = z.infer<typeof workerRecordSchema>;

const workerKey = (prefix: string, id: string) => `${prefix}:workers:${id}`;

/**
 * Records a live worker. The key expires after `ttlS` seconds, so a worker that dies without
 * saying goodbye disappears on its own; heartbeat well inside the TTL (a third of it, say).
 */
export async function heartbeat(redis: Redis, prefix: string, info: WorkerInfo, ttlS: number): Promise<WorkerRecord> {
  const record: WorkerRecord = { ...workerInfoSchema.parse(info), lastHeartbeatAt: new Date().toISOString() };
  await redis.set(workerKey(prefix, info.id), JSON.stringify(record), 'EX', ttlS);
  return record;
}

/** Every worker whose heartbeat has not expired, by id. SCAN, not KEYS, so Redis is never blocked. */
export async function listWorkers(redis: Redis, prefix: string): Promise<WorkerRecord[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:workers:*`, 'COUNT', 200);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  if (keys.size === 0) return [];
  const values = await redis.mget(...keys);
  const workers: WorkerRecord[] = [];
  for (const value of values) {
    // A key may expire between SCAN and MGET; an unreadable record is skipped, not fatal.
    if (!value) continue;
    const parsed = workerRecordSchema.safeParse(safeJson(value));
    if (parsed.success) workers.push(parsed.data);
  }
  return workers.sort((a, b) => a.id.localeCompare(b.id));
}

/** Called on a clean shutdown so the worker disappears at once instead of after its TTL. */
export async function removeWorker(redis: Redis, prefix: string, id: string): Promise<void> {
  await redis.del(workerKey(prefix, id));
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}
