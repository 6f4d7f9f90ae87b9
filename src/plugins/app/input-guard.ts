import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { AppError, notFound } from '../../errors/app-error.ts';
import { findUnstorableText } from '../../datasets/storable-text.ts';

/**
 * Deepest JSON body accepted. The deepest legitimate bodies (a Keras model's JSON, predict
 * instances shaped like an image) nest about a dozen levels; recursive validators and
 * serializers overflow the stack on tens of thousands, which surfaced as 500s.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Refuses, in one place, the request values no route can handle: JSON bodies nested deeper than
 * MAX_JSON_DEPTH, and NUL characters or lone surrogates in any string of a JSON body or a query
 * string (PostgreSQL stores neither). Both answer 400 VALIDATION_FAILED naming the path, before
 * any route code runs; such a path parameter (an id) answers 404. Multipart text fields are
 * checked where the upload is read.
 */
export default fp(
  async (app) => {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
      parseJson(request, text as string, (err, body) => {
        if (err) return done(err);
        try {
          assertAcceptable(body, 'body');
          done(null, body);
        } catch (refusal) {
          done(refusal as Error);
        }
      });
    });
    app.addHook('preValidation', async (request: FastifyRequest) => {
      assertAcceptable(request.query, 'query');
      // Path parameters are ids: one holding text PostgreSQL cannot store names nothing, and
      // answers 404 like any unknown or malformed id (some services passed it to a query: 500).
      if (findUnstorableText(request.params)) throw notFound('Resource');
    });
  },
  { name: 'input-guard', dependencies: ['error-handler'] },
);

function assertAcceptable(value: unknown, where: 'body' | 'query'): void {
  if (where === 'body' && jsonDepthExceeds(value, MAX_JSON_DEPTH)) {
    throw new AppError('VALIDATION_FAILED', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, { path: '', maxDepth: MAX_JSON_DEPTH });
  }
  const found = findUnstorableText(value);
  if (found) {
    throw new AppError('VALIDATION_FAILED', `The ${where} holds ${found.reason} at "${found.path.join('.')}"`, { path: found.path.join('.'), in: where, reason: found.reason });
  }
}

/**
 * Whether `value` nests arrays/objects more than `maxDepth` levels deep (a scalar is depth 0,
 * `[]` depth 1). Iterative, and stops at the first path past the limit, so checking a hostile
 * 100,000-deep value costs no stack and at most `maxDepth` levels of work per branch.
 */
function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}
