import type { FastifyRequest } from 'fastify';
import { redactKeys, redactUrl } from './redact-keys.ts';

export { redactUrl };

/**
 * The API's pino options. API keys arrive in two places (the Authorization header, the
 * `bearer.<key>` WebSocket subprotocol), both redacted should anything log headers; clients
 * also put keys where they do not belong (`?access_token=`, any spelling of it, a path), so
 * request URLs are written with that parameter's value replaced, and, as the last line of
 * defence, anything shaped like a Trainyard key is scrubbed from every line written.
 */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream) {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers.authorization', 'req.headers["sec-websocket-protocol"]'], censor: '[REDACTED]' },
    hooks: { streamWrite: redactKeys },
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  };
}
