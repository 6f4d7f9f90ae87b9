import fc from 'fast-check';
import type { OpenAPIV3 } from 'openapi-types';
import type { OpenApi, Operation } from './openapi-document.ts';
import { deepJson, forgedCursor, hostileString } from './hostile-values.ts';
import { valuesFor, type KnownIds } from './schema-values.ts';

/** What the fuzzer knows of the app under test: the fixtures' ids and the keys to send. */
export interface FuzzContext extends KnownIds {
  /** Ids that should exist for the caller (own dataset, run, model) or not (another team's). */
  pathIds: string[];
  authorization: string;
  otherAuthorization: string;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

const BOUNDARY = 'fuzz-boundary-7d1';

/** Percent-encodes the UTF-8 bytes (encodeURIComponent throws on a lone surrogate; a URL carries U+FFFD instead). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** A request for `op`: its path ids, query and body each valid, boundary or hostile. */
export function requestFor(api: OpenApi, op: Operation, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  return fc
    .record({
      path: fc.tuple(...pathParams.map(() => pathValue(ctx))),
      query: queryFor(api, queryParams, ctx),
      body: bodyFor(api, op, ctx),
      authorization: fc.oneof({ weight: 8, arbitrary: fc.constant(ctx.authorization) }, fc.constant(ctx.otherAuthorization), fc.constant(''), hostileString.map((k) => `Bearer ${k}`)),
    })
    .map(({ path, query, body, authorization }) => {
      let i = 0;
      const url = op.path.replace(/\{[^}]+\}/g, () => path[i++]) + (query ? `?${query}` : '');
      const headers: Record<string, string> = { ...(body?.contentType ? { 'content-type': body.contentType } : {}) };
      // A header value cannot hold control characters or non-Latin-1 text: such keys go unsent.
      if (authorization && /^[\x20-\x7e]*$/.test(authorization)) headers.authorization = authorization;
      return { method: op.method.toUpperCase(), url, headers, payload: body?.payload };
    });
}

function pathValue(ctx: FuzzContext): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ctx.pathIds) },
    fc.uuid(),
    // An empty segment addresses another route (`/v1/datasets/` is the list), not this one.
    hostileString.filter((v) => v !== '').map(percentEncode),
    fc.constantFrom('%zz', '%ED%A0%80', '%00', '..%2F..%2Fetc', '%C0%AE%C0%AE'),
  );
}

function queryFor(api: OpenApi, params: OpenAPIV3.ParameterObject[], ctx: FuzzContext): fc.Arbitrary<string> {
  const pairs = params.map((p) => {
    const value = p.name === 'cursor' ? forgedCursor : valuesFor(api, p.schema ?? {}, ctx, 2).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''));
    return fc.option(value.map((v) => `${percentEncode(p.name)}=${percentEncode(v)}`), { freq: 3 });
  });
  const extra = fc.option(fc.tuple(hostileString, hostileString).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`), { freq: 5 });
  return fc.tuple(...pairs, extra).map((all) => all.filter((p): p is string => Boolean(p)).join('&'));
}

interface Body {
  contentType?: string;
  payload?: string | Buffer;
}

function bodyFor(api: OpenApi, op: Operation, ctx: FuzzContext): fc.Arbitrary<Body | null> {
  if (op.method === 'get' || op.method === 'delete') return fc.constant(null);
  const json = (schemaBody: fc.Arbitrary<unknown>) =>
    fc.oneof(
      { weight: 4, arbitrary: schemaBody.map((v) => JSON.stringify(v) ?? 'null') },
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      deepJson,
      fc.constantFrom('', '{', '{"a":1,"a":2}', '{"__proto__":{"x":1}}', '[1e400]', 'NaN'),
    ).map((payload) => ({ contentType: 'application/json', payload }));
  if (op.body?.type === 'multipart') return fc.oneof({ weight: 4, arbitrary: multipartBody() }, brokenMultipart(), json(fc.constant({})));
  if (op.body?.type === 'json') return fc.oneof({ weight: 6, arbitrary: json(valuesFor(api, op.body.schema, ctx, 6)) }, fc.constant({}), brokenMultipart());
  return fc.oneof(fc.constant(null), json(fc.jsonValue({ maxDepth: 2 })));
}

const TABLE = Buffer.from('x1,x2,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n');

function multipartBody(): fc.Arbitrary<Body> {
  const field = fc.tuple(
    fc.constantFrom('format', 'name', 'label', 'task', 'header', 'width', 'height', 'color', 'lable'),
    fc.oneof(fc.constantFrom('csv', 'idx', 'image-zip', 'y', 'x1', '0', 'regression', 'classification', 'multilabel', 'true', '8', 'rgb'), hostileString),
  );
  const file = fc.tuple(
    fc.constantFrom('file', 'images', 'labels', 'model', 'weights', 'data'),
    fc.oneof(fc.constant(TABLE), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.constant(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]))),
  );
  return fc.tuple(fc.array(field, { maxLength: 5 }), fc.array(file, { maxLength: 3 })).map(([fields, files]) => {
    const parts = [
      ...fields.map(([name, value]) => Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)),
      ...files.flatMap(([name, data]) => [Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"; filename="${name}.bin"\r\ncontent-type: application/octet-stream\r\n\r\n`), data, Buffer.from('\r\n')]),
      Buffer.from(`--${BOUNDARY}--\r\n`),
    ];
    return { contentType: `multipart/form-data; boundary=${BOUNDARY}`, payload: Buffer.concat(parts) };
  });
}

/** Multipart requests a parser can choke on: no boundary, a bad one, a body cut short. */
function brokenMultipart(): fc.Arbitrary<Body> {
  return fc.oneof(
    fc.constantFrom('multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary="', `multipart/form-data; boundary=${'b'.repeat(71)}`, 'multipart/mixed; boundary=x').map((contentType) => ({ contentType, payload: 'xx' })),
    fc.integer({ min: 1, max: 60 }).map((cut) => ({ contentType: `multipart/form-data; boundary=${BOUNDARY}`, payload: `--${BOUNDARY}\r\ncontent-disposition: form-data; name="format"\r\n\r\ncsv\r\n--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="f"\r\n\r\na,b\r\n1,2`.slice(0, cut + 40) })),
  );
}
