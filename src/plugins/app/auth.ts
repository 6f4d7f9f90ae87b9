import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { findTeamByKey } from '../../auth/api-keys.repository.ts';
import { AuthFailureLimiter } from '../../auth/auth-failure-limiter.ts';
import { KeyWatch } from '../../auth/key-watch.ts';

export interface AuthTeam {
  id: string;
  name: string;
  /** The id of the key used, which rate limits count against (never the key itself). */
  keyId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The team whose key authenticated this request; set by the `authenticate` hook. */
    team: AuthTeam;
  }
  interface FastifyInstance {
    authenticate: (request: FastifyRequest) => Promise<void>;
    /** Tells open WebSockets when their key is revoked. */
    keyWatch: KeyWatch;
  }
}

export interface AuthOptions {
  redisPrefix: string;
  /** Failed authentications per client address per minute before 429; 0 turns the limit off. */
  failuresPerMinute: number;
  /** How often open streams' keys are re-checked. */
  keyRecheckMs: number;
}

/** WebSocket subprotocol carrying a key for browsers, which cannot set headers: `bearer.<key>`. */
export const BEARER_SUBPROTOCOL_PREFIX = 'bearer.';

/**
 * Reads the key from `Authorization: Bearer`, or, for browsers' WebSockets, from a
 * `bearer.<key>` subprotocol. Nothing else: a key in a URL (`?access_token=`) ends up in proxy
 * and browser histories, and every spelling of a parameter name is one more to redact.
 */
function extractKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1];
  }
  const protocols = request.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    const bearer = protocols.split(',').map((p) => p.trim()).find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX));
    if (bearer) return bearer.slice(BEARER_SUBPROTOCOL_PREFIX.length);
  }
  return undefined;
}

export default fp(
  async (app, opts: AuthOptions) => {
    const limiter = opts.failuresPerMinute > 0 ? new AuthFailureLimiter(app.redis, opts.redisPrefix, opts.failuresPerMinute) : null;
    const keyWatch = new KeyWatch(app.db, opts.keyRecheckMs, (err) => app.log.warn({ err }, 're-checking stream keys failed'));
    app.decorate('keyWatch', keyWatch);
    app.addHook('onClose', async () => keyWatch.close());

    const refuse = async (request: FastifyRequest, message: string): Promise<never> => {
      const retryAfterS = await limiter?.recordFailure(request.ip);
      if (retryAfterS) {
        throw new AppError('AUTH_RATE_LIMITED', `Too many failed authentications from this address (more than ${limiter!.limit} a minute); retry in ${retryAfterS} s`, { limit: limiter!.limit }, { retryAfterS });
      }
      throw new AppError('UNAUTHORIZED', message);
    };

    app.decorateRequest('team', null as unknown as AuthTeam);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const key = extractKey(request);
      if (!key) return refuse(request, 'Missing API key: send Authorization: Bearer <key>');
      const team = await findTeamByKey(app.db, key);
      if (!team) return refuse(request, 'Invalid or revoked API key');
      request.team = { id: team.id, name: team.name, keyId: team.keyId };
    });
  },
  { name: 'auth', dependencies: ['prisma', 'redis'] },
);
