import { Redis } from 'ioredis';

/**
 * BullMQ requires `maxRetriesPerRequest: null` on connections used by workers, and it is
 * harmless elsewhere; one factory keeps every connection configured alike.
 *
 * ioredis reconnects by itself after Redis restarts, and every command that fails meanwhile
 * rejects where it was sent; the connection's own `error` event says the same thing again,
 * and without a listener ioredis prints it as "Unhandled error event". `onError` receives it.
 */
export function createRedis(redisUrl: string, name: string, onError: (err: Error) => void = () => {}): Redis {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
  redis.on('error', onError);
  return redis;
}

/** A second connection like `redis` (BullMQ wants its own), with the same quiet error listener. */
export function duplicateRedis(redis: Redis, onError: (err: Error) => void = () => {}): Redis {
  const copy = redis.duplicate();
  copy.on('error', onError);
  return copy;
}
