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
          assertAcceptable(body, 'body', text as string);
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

function assertAcceptable(value: unknown, where: 'body' | 'query', text?: string): void {
  if (where === 'body' && jsonDepthExceeds(value, MAX_JSON_DEPTH)) {
    throw new AppError('VALIDATION_FAILED', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, { path: '', maxDepth: MAX_JSON_DEPTH });
  }
  const found = text !== undefined && !mayHoldUnstorableText(text) ? null : findUnstorableText(value);
  if (found) {
    throw new AppError('VALIDATION_FAILED', `The ${where} holds ${found.reason} at "${found.path.join('.')}"`, { path: found.path.join('.'), in: where, reason: found.reason });
  }
}

/**
 * Whether JSON `text` can decode to a NUL or a surrogate: only through a `\u0000` or
 * `\uD800`–`\uDFFF` escape or a raw surrogate (JSON forbids a raw NUL in a string). Text with
 * none of them (every predict body of numbers) skips the walk over the parsed value; text
 * with one, even a harmless escaped backslash before it, is walked.
 */
function mayHoldUnstorableText(text: string): boolean {
  return /\\u(?:0000|[dD][89a-fA-F])|[\ud800-\udfff]/.test(text);
}

/**
 * Whether `value` nests arrays/objects more than `maxDepth` levels deep (a scalar is depth 0,
 * `[]` depth 1). Iterative, and stops at the first path past the limit, so checking a hostile
 * 100,000-deep value costs no stack and at most `maxDepth` levels of work per branch. Only
 * containers are pushed: the numbers of a large body cost one type check each.
 */
function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const items: object[] = [value];
  const depths: number[] = [1];
  while (items.length > 0) {
    const item = items.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') {
        items.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
