import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError } from '../../errors/app-error.ts';
import { isUnreachableService } from '../../errors/unreachable-service.ts';

/** What a client is told to wait while PostgreSQL or Redis is away (a restart takes seconds). */
const UNAVAILABLE_RETRY_AFTER_S = 5;

/**
 * The one place errors become HTTP answers: `{ error: { code, message, details } }`.
 * Validation failures are 400 with their issues; anything unknown is logged and answered
 * as a 500 whose message is hidden, so internals never reach clients.
 */
export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError | Error, request, reply) => {
      if (err instanceof AppError) {
        if (err.hints.retryAfterS !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(err.hints.retryAfterS))));
        return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message, details: err.details ?? null } });
      }
      if (hasZodFastifySchemaValidationErrors(err)) {
        return reply.status(400).send({
          error: { code: 'VALIDATION_FAILED', message: 'Request is invalid', details: err.validation.map((v) => ({ path: v.instancePath, message: v.message, ...v.params })) },
        });
      }
      if (err instanceof ZodError) {
        return reply.status(400).send({
          error: { code: 'VALIDATION_FAILED', message: 'Request is invalid', details: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        });
      }
      const fastifyErr = err as FastifyError;
      if (fastifyErr.statusCode && fastifyErr.statusCode >= 400 && fastifyErr.statusCode < 500) {
        return reply.status(fastifyErr.statusCode).send({ error: { code: fastifyCode(fastifyErr), message: fastifyErr.message, details: null } });
      }
      if (isUnreachableService(err)) {
        request.log.warn({ err }, 'a backing service is unreachable');
        reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
        return reply.status(503).send({ error: { code: 'SERVICE_UNAVAILABLE', message: 'PostgreSQL or Redis is unreachable right now; try again shortly', details: null } });
      }
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Internal server error', details: null } });
    });

    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ error: { code: 'NOT_FOUND', message: `Route ${request.method} ${request.url.split('?')[0]} not found`, details: null } }),
    );
  },
  { name: 'error-handler' },
);

/** Maps Fastify's own 4xx errors (bad JSON, oversize body, wrong media type) onto our stable codes. */
function fastifyCode(err: FastifyError): string {
  switch (err.statusCode) {
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    case 404:
      return 'NOT_FOUND';
    default:
      return 'VALIDATION_FAILED';
  }
}

/**
 * Fastify's `frameworkErrors`: errors raised before routing (a URL that is not valid
 * percent-encoding, `FST_ERR_BAD_URL`) would otherwise be answered in Fastify's own shape,
 * outside our envelope and its stable codes.
 */
export function answerFrameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  void reply.status(status).send({ error: { code: fastifyCode({ ...err, statusCode: status }), message: err.message, details: null } });
}
