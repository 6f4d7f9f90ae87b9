import { Redis } from 'ioredis';

/**
 * BullMQ requires `maxRetriesPerRequest: null` on connections used by workers, and it is
 * harmless elsewhere; one factory keeps every connection configured alike.
 */
export function createRedis(redisUrl: string, name: string): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}
