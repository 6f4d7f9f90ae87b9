import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { findTeamByKey } from '../../auth/api-keys.repository.ts';

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
  }
}

/** WebSocket subprotocol carrying a key for browsers, which cannot set headers: `bearer.<key>`. */
export const BEARER_SUBPROTOCOL_PREFIX = 'bearer.';

/**
 * Reads the key from `Authorization: Bearer`, or, for browsers' WebSockets, from the
 * `access_token` query parameter or a `bearer.<key>` subprotocol.
 */
function extractKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1];
  }
  const query = request.query as Record<string, unknown> | undefined;
  if (typeof query?.access_token === 'string') return query.access_token;
  const protocols = request.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    const bearer = protocols.split(',').map((p) => p.trim()).find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX));
    if (bearer) return bearer.slice(BEARER_SUBPROTOCOL_PREFIX.length);
  }
  return undefined;
}

export default fp(
  async (app) => {
    app.decorateRequest('team', null as unknown as AuthTeam);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const key = extractKey(request);
      if (!key) throw new AppError('UNAUTHORIZED', 'Missing API key: send Authorization: Bearer <key>');
      const team = await findTeamByKey(app.db, key);
      if (!team) throw new AppError('UNAUTHORIZED', 'Invalid or revoked API key');
      request.team = { id: team.id, name: team.name, keyId: team.keyId };
    });
  },
  { name: 'auth', dependencies: ['prisma'] },
);
