import pg from 'pg';
import { Redis } from 'ioredis';

/** A dependency that cannot be reached; entry points print its message without a stack trace. */
export class ServiceUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceUnreachableError';
  }
}

/** Where a URL points, without its password, for messages. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)}`;
  } catch {
    return 'an unparsable URL';
  }
}

export async function checkPostgres(databaseUrl: string): Promise<void> {
  // Connect to the maintenance database: the app's own may not exist yet (it is created at start).
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new ServiceUnreachableError(
      `Cannot reach PostgreSQL at ${describe(databaseUrl)} (${(err as Error).message || (err as { code?: string }).code}). ` +
        'Is it running? Point DATABASE_URL at it.',
    );
  } finally {
    await client.end().catch(() => {});
  }
}

export async function checkRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 5000, retryStrategy: () => null });
  redis.on('error', () => {}); // reported below, once
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new ServiceUnreachableError(
      `Cannot reach Redis at ${describe(redisUrl)} (${(err as Error).message}). Is it running? Point REDIS_URL at it.`,
    );
  } finally {
    redis.disconnect();
  }
}

export async function checkServices(config: { databaseUrl: string; redisUrl: string }): Promise<void> {
  const results = await Promise.allSettled([checkPostgres(config.databaseUrl), checkRedis(config.redisUrl)]);
  const problems = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (problems.length) throw new ServiceUnreachableError(problems.join('\n'));
}
