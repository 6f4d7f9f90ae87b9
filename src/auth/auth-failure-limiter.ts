import type { Redis } from 'ioredis';

const WINDOW_MS = 60_000;

/**
 * Counts failed authentications per client address in a fixed one-minute window, in Redis so
 * the count holds across API processes. Only failures are counted and only failures are refused:
 * a valid key from the same address (behind one proxy, say) still gets in, so one client with a
 * stale key cannot lock out its neighbours.
 */
export class AuthFailureLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly redisPrefix: string,
    /** Failures per address per minute answered 401; later ones 429. */
    private readonly perMinute: number,
  ) {}

  /** Records one failure; the seconds to wait when the address is over its limit, else null. */
  async recordFailure(address: string): Promise<number | null> {
    const key = `${this.redisPrefix}:authfail:${address}`;
    const results = await this.redis.multi().incr(key).pexpire(key, WINDOW_MS, 'NX').pttl(key).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const ttlMs = Number(results?.[2]?.[1] ?? WINDOW_MS);
    return count > this.perMinute ? Math.max(1, Math.ceil(ttlMs / 1000)) : null;
  }

  get limit(): number {
    return this.perMinute;
  }
}
