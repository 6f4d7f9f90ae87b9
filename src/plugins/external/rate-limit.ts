import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { AppError } from '../../errors/app-error.ts';

export interface RateLimitOptions {
  /** Requests per minute per API key; 0 turns the limit off. */
  perMinute: number;
  /** Counters live in Redis so the limit holds across any number of API processes. */
  redis: Redis;
  redisPrefix: string;
}

/**
 * Per-key rate limit for the authenticated API. Registered inside the `/v1` scope and run at
 * `preValidation`, after the `authenticate` hook: requests are counted per API key (its id,
 * which stands for its hash), not per IP, so teams behind one proxy do not share a budget.
 * Over the limit: 429 RATE_LIMITED in the usual envelope, with `Retry-After`.
 */
export default fp(
  async (app, opts: RateLimitOptions) => {
    if (opts.perMinute === 0) return;
    await app.register(rateLimit, {
      global: true,
      max: opts.perMinute,
      timeWindow: 60_000,
      hook: 'preValidation',
      redis: opts.redis,
      nameSpace: `${opts.redisPrefix}:ratelimit:`,
      keyGenerator: (request) => `key:${request.team?.keyId ?? `ip:${request.ip}`}`,
      errorResponseBuilder: (_request, context) =>
        new AppError('RATE_LIMITED', `Rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`, {
          limit: context.max,
          retryAfterMs: context.ttl,
        }),
    });
  },
  { name: 'rate-limit', dependencies: ['redis', 'auth'] },
);
