import type { FastifyRequest } from 'fastify';

/** `?access_token=KEY` (browsers' WebSockets) with the key replaced, so URLs can be logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1[REDACTED]');
}

/**
 * The API's pino options. API keys arrive in three places and none may reach a log line:
 * the Authorization header and the `bearer.<key>` WebSocket subprotocol (redacted should
 * anything log headers) and the `access_token` query parameter (redacted from the URL that
 * every request line carries).
 */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream) {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers.authorization', 'req.headers["sec-websocket-protocol"]'], censor: '[REDACTED]' },
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
