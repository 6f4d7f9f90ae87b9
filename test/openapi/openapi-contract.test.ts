import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { parse } from 'yaml';
import { z } from 'zod';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { openapiPath } from '../../src/plugins/external/swagger.ts';
import { errorStatus } from '../../src/errors/error-codes.ts';
import { RUN_EVENT_TYPES } from '../../src/events/run-event-map.ts';
import { runSpecSchema } from '../../src/spec/run-spec.schema.ts';
import { layersModelSpecSchema } from '../../src/spec/layer-spec.schema.ts';
import { kerasModelSpecSchema } from '../../src/spec/keras-spec.schema.ts';
import { presetSpecSchema } from '../../src/spec/preset-spec.schema.ts';

/**
 * openapi.yaml is written by hand, so nothing keeps it true but this file: the documented
 * routes must be exactly the registered ones, every reference must resolve, the run spec must
 * have the zod schema's shape, and real error answers must fit the documented envelope.
 */

type Json = Record<string, unknown>;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Swagger UI's own routes (`/docs`, `/docs/static/*`, ...) and the spec route are documentation plumbing, not API. */
const isDocsPlumbing = (path: string) => path === '/openapi.yaml' || path === '/docs' || path.startsWith('/docs/');

/** Fastify's `/v1/runs/:id` → OpenAPI's `/v1/runs/{id}`; a prefix-root route `/v1/runs/` → `/v1/runs`. */
function toOpenApiPath(url: string): string {
  const templated = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  return templated.length > 1 ? templated.replace(/\/+$/, '') : templated;
}

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

function documentedOperations(doc: Json): Map<string, Json> {
  const ops = new Map<string, Json>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const method of HTTP_METHODS) {
      if (item[method]) ops.set(key(method, path), item[method] as Json);
    }
  }
  return ops;
}

/** A readable both-ways diff, so a failure says exactly which routes to add or remove. */
function routeDiff(documented: Set<string>, registered: Set<string>): string {
  const missing = [...registered].filter((r) => !documented.has(r)).sort();
  const stale = [...documented].filter((r) => !registered.has(r)).sort();
  const lines: string[] = [];
  if (missing.length) lines.push('registered in the app but missing from openapi.yaml:', ...missing.map((r) => `  + ${r}`));
  if (stale.length) lines.push('documented in openapi.yaml but not registered by the app:', ...stale.map((r) => `  - ${r}`));
  return lines.join('\n');
}

/** Every `$ref` in the document, with where it sits, for a failure message that points at it. */
function collectRefs(node: unknown, at: string, out: { ref: string; at: string }[] = []) {
  if (Array.isArray(node)) node.forEach((child, i) => collectRefs(child, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ ref: v, at });
      else collectRefs(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
    }
  }
  return out;
}

/** JSON Pointer lookup within the document; undefined when the target is absent. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !(token in node)) return undefined;
    node = (node as Json)[token];
  }
  return node;
}

function makeDeref(doc: Json) {
  return function deref(schema: unknown): Json {
    let node = schema as Json;
    while (node && typeof node.$ref === 'string') node = resolvePointer(doc, node.$ref) as Json;
    return node;
  };
}

/**
 * Just enough of OpenAPI 3.0's schema semantics to check an error answer: type, nullable,
 * required, properties, additionalProperties: false, enum, $ref. Returns the problems found.
 */
function validate(doc: Json, schema: unknown, value: unknown, at = '$'): string[] {
  const s = makeDeref(doc)(schema);
  if (!s) return [`${at}: schema does not resolve`];
  if (value === null) return s.nullable === true ? [] : [`${at}: null but not nullable`];
  const problems: string[] = [];
  if (Array.isArray(s.enum) && !s.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} not in enum`);
  const type = s.type as string | undefined;
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (type && !(type === actual || (type === 'number' && actual === 'integer'))) return [...problems, `${at}: expected ${type}, got ${actual}`];
  if (type === 'object' || s.properties) {
    const obj = value as Json;
    for (const name of (s.required as string[] | undefined) ?? []) if (!(name in obj)) problems.push(`${at}: missing required "${name}"`);
    const props = (s.properties as Record<string, unknown> | undefined) ?? {};
    for (const [name, v] of Object.entries(obj)) {
      if (props[name]) problems.push(...validate(doc, props[name], v, `${at}.${name}`));
      else if (s.additionalProperties === false) problems.push(`${at}: unexpected property "${name}"`);
    }
  }
  return problems;
}

type Shape = { props: string[]; required: string[]; strict: boolean } | { enum: string[] };

/** The property holding a union member's tag: `type` for layers and optimizers, `preset` for presets. */
const DISCRIMINATORS = ['type', 'preset', 'kind'];

/**
 * The structure of a JSON schema as a flat map, so the hand-written document and zod's own
 * JSON schema can be compared field by field: every object (its property names, required ones,
 * whether unknown keys are refused) and every string enum, by path. Union members are keyed by
 * their tag (`<type=dense>`) or else by position; nested unions are flattened; a doc wrapper
 * `allOf: [$ref]` (used to add a description) is looked through. Bounds are not compared.
 */
function schemaShapes(root: unknown, deref: (s: unknown) => Json, at = '', out = new Map<string, Shape>(), depth = 0): Map<string, Shape> {
  const s = unwrap(deref(root), deref);
  if (!s || typeof s !== 'object' || depth > 24) return out;
  const members = unionMembers(s, deref);
  if (members) {
    members.forEach((m, i) => {
      const tag = tagOf(m, deref);
      schemaShapes(m, deref, `${at}<${tag ?? `#${i}`}>`, out, depth + 1);
    });
    return out;
  }
  if (Array.isArray(s.enum) && s.enum.length > 1) out.set(at, { enum: (s.enum as string[]).map(String).sort() });
  const props = s.properties as Record<string, unknown> | undefined;
  if (s.type === 'object' || props) {
    out.set(at, { props: Object.keys(props ?? {}).sort(), required: [...((s.required as string[]) ?? [])].sort(), strict: s.additionalProperties === false });
    for (const [name, child] of Object.entries(props ?? {})) schemaShapes(child, deref, `${at}.${name}`, out, depth + 1);
  }
  const items = [s.items, ...((s.prefixItems as unknown[]) ?? [])].filter(Boolean).flat();
  for (const item of items) schemaShapes(item, deref, `${at}[]`, out, depth + 1);
  return out;
}

/** `{ allOf: [one], description }` is the doc's way to describe a $ref; it is that one schema. */
function unwrap(s: Json, deref: (s: unknown) => Json): Json {
  let node = s;
  while (node && Array.isArray(node.allOf) && node.allOf.length === 1 && !node.properties) node = deref(node.allOf[0]);
  return node;
}

function unionMembers(s: Json, deref: (s: unknown) => Json): Json[] | null {
  const list = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (!Array.isArray(list)) return null;
  return list.flatMap((m) => unionMembers(unwrap(deref(m), deref), deref) ?? [unwrap(deref(m), deref)]);
}

function tagOf(member: Json, deref: (s: unknown) => Json): string | undefined {
  const props = member.properties as Record<string, unknown> | undefined;
  for (const name of DISCRIMINATORS) {
    const p = props?.[name] ? deref(props[name]) : undefined;
    const literal = p?.const ?? (Array.isArray(p?.enum) && p.enum.length === 1 ? p.enum[0] : undefined);
    if (typeof literal === 'string') return `${name}=${literal}`;
  }
  return undefined;
}

/** Routes that stream a stored file as it is (tfjs's model.json): the file, not a schema of ours, decides its shape. */
const STREAMED_FILES = new Set(['GET /v1/runs/:id/model/model.json', 'GET /v1/experiments/:id/best/model/model.json']);

/** zod writes a nullable value as `anyOf: [X, { type: 'null' }]`, the document as X with `nullable: true`: the same thing. */
function collapseNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(collapseNullable);
  if (!node || typeof node !== 'object') return node;
  const obj = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, collapseNullable(v)])) as Json;
  const members = obj.anyOf as Json[] | undefined;
  if (Array.isArray(members) && members.length === 2 && members.some((m) => m.type === 'null')) {
    const { anyOf: _anyOf, ...rest } = obj;
    return { ...rest, ...members.find((m) => m.type !== 'null'), nullable: true };
  }
  return obj;
}

/** Property names (or enum values) by path: what a client reads, without required-ness or strictness. */
function flatShapes(shapes: Map<string, Shape>): Map<string, string[]> {
  return new Map([...shapes].map(([at, shape]) => [at, 'props' in shape ? shape.props : shape.enum]));
}

/**
 * Where a route's declared answer and the document disagree. A field the route leaves open
 * (z.unknown(), a plain string) may be detailed further by the document; everything the route
 * does describe must be documented exactly, and the document may not add fields beside them.
 */
function shapeDifferences(route: Map<string, string[]>, documented: Map<string, string[]>): string[] {
  const problems: string[] = [];
  const opaque: string[] = [];
  for (const [at, names] of route) {
    const theirs = documented.get(at);
    if (!theirs) problems.push(`${at || '(root)'} is not documented`);
    else if (JSON.stringify(theirs) !== JSON.stringify(names)) problems.push(`${at || '(root)'}: route ${JSON.stringify(names)}, document ${JSON.stringify(theirs)}`);
    for (const name of names) if (![...route.keys()].some((k) => k.startsWith(`${at}.${name}`))) opaque.push(`${at}.${name}`);
  }
  const underOpaque = (at: string) => opaque.some((o) => at === o || at.startsWith(`${o}.`) || at.startsWith(`${o}[`) || at.startsWith(`${o}<`));
  for (const at of documented.keys()) if (!route.has(at) && !underOpaque(at)) problems.push(`${at} is documented but not declared by the route`);
  return problems;
}

/** Zod's JSON schema of a run spec, with the model's three forms in place of its opaque pre-parse. */
function zodRunSpecJson(): Json {
  const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  const spec = json(runSpecSchema);
  const model = { oneOf: [json(layersModelSpecSchema), json(kerasModelSpecSchema), json(presetSpecSchema)] };
  return { ...spec, properties: { ...(spec.properties as Json), model } };
}

describe('openapi.yaml', () => {
  let t: TestApp;
  let text: string;
  let doc: Json;
  let deref: (s: unknown) => Json;

  beforeAll(async () => {
    text = await readFile(openapiPath, 'utf8');
    doc = parse(text) as Json;
    deref = makeDeref(doc);
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  describe('the document', () => {
    it('parses as OpenAPI 3.0.x with info, paths and components', () => {
      expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
      expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
      expect(Object.keys(doc.paths as Json).length).toBeGreaterThan(0);
      expect((doc.components as Json).schemas).toBeTypeOf('object');
    });

    it('resolves every $ref', () => {
      const refs = collectRefs(doc, '#');
      expect(refs.length).toBeGreaterThan(0);
      const broken = refs.filter(({ ref }) => resolvePointer(doc, ref) === undefined).map(({ ref, at }) => `${ref} (at ${at})`);
      expect(broken, `unresolved $ref:\n${broken.join('\n')}`).toEqual([]);
    });

    it('has the components the contract promises', () => {
      const components = doc.components as Json;
      expect(Object.keys(components.securitySchemes as Json)).toContain('bearerAuth');
      expect((doc.security as Json[]).map((s) => Object.keys(s)).flat()).toContain('bearerAuth');
      for (const name of ['Error', 'Dataset', 'DatasetPage', 'Run', 'RunPage', 'RunSpec', 'EpochMetrics', 'Checkpoint', 'PredictRequest', 'PredictResponse', 'Worker', 'RunEvent']) {
        expect(components.schemas, name).toHaveProperty(name);
      }
    });

    it('gives every operation a summary, declared path parameters and responses', () => {
      const problems: string[] = [];
      for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
        const shared = ((item.parameters as unknown[]) ?? []).map(deref);
        for (const method of HTTP_METHODS) {
          const op = item[method] as Json | undefined;
          if (!op) continue;
          const where = key(method, path);
          if (typeof op.summary !== 'string' || !op.summary) problems.push(`${where}: no summary`);
          if (!op.responses || Object.keys(op.responses as Json).length === 0) problems.push(`${where}: no responses`);
          const params = [...shared, ...((op.parameters as unknown[]) ?? []).map(deref)];
          for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
            if (!params.some((p) => p.in === 'path' && p.name === name && p.required === true)) problems.push(`${where}: path parameter "${name}" not declared (required, in: path)`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('documents 401 and 429 on every /v1 operation', () => {
      // Every /v1 route sits behind the key check and the per-key rate limit.
      const missing = [...documentedOperations(doc)]
        .filter(([k]) => k.includes(' /v1/'))
        .flatMap(([k, op]) => ['401', '429'].filter((code) => !(op.responses as Json)[code]).map((code) => `${k} lacks ${code}`));
      expect(missing).toEqual([]);
    });

    it('lists exactly the error codes of src/errors/error-codes.ts', () => {
      const envelope = deref((doc.components as { schemas: Json }).schemas.Error);
      const inner = deref((envelope.properties as Json).error);
      const code = deref((inner.properties as Json).code);
      expect([...(code.enum as string[])].sort()).toEqual(Object.keys(errorStatus).sort());
    });

    it('describes one RunEvent member per event type of src/events/run-event-map.ts', () => {
      const runEvent = deref((doc.components as { schemas: Json }).schemas.RunEvent);
      const mapping = (runEvent.discriminator as { mapping: Record<string, string> }).mapping;
      expect(Object.keys(mapping).sort()).toEqual([...RUN_EVENT_TYPES].sort());
      expect((runEvent.oneOf as unknown[]).length).toBe(RUN_EVENT_TYPES.length);
    });

    it('mirrors the zod run spec field by field: every form, layer, optimizer, callback and enum', () => {
      const zodSpec = zodRunSpecJson();
      const documented = Object.fromEntries(schemaShapes((doc.components as { schemas: Json }).schemas.RunSpec, deref));
      const implemented = Object.fromEntries(schemaShapes(zodSpec, makeDeref(zodSpec)));
      // Sanity: the walk reached the layers, so an empty-vs-empty comparison cannot pass.
      expect(Object.keys(implemented).some((k) => k.includes('<type=dense>'))).toBe(true);
      expect(documented).toEqual(implemented);
    });
  });

  describe('against the app', () => {
    it('documents exactly the routes the app registers', () => {
      const registered = new Set(t.app.registeredRoutes.map((r) => key(r.method, toOpenApiPath(r.url))).filter((k) => !isDocsPlumbing(k.split(' ')[1])));
      const documented = new Set([...documentedOperations(doc).keys()].filter((k) => !isDocsPlumbing(k.split(' ')[1])));
      // Guards against a registry that silently saw nothing: the set check would then only test the doc.
      expect(registered.size).toBeGreaterThan(10);
      const diff = routeDiff(documented, registered);
      expect(diff, `\n${diff}\n`).toBe('');
    });

    it('has every route that answers JSON declare its response schema, and no other route', () => {
      const problems: string[] = [];
      for (const route of t.app.registeredRoutes.filter((r) => !r.websocket && !isDocsPlumbing(r.url))) {
        const op = documentedOperations(doc).get(key(route.method, toOpenApiPath(route.url)));
        const jsonSuccess = Object.entries((op?.responses as Json) ?? {}).filter(([status, res]) => /^2/.test(status) && (deref(res).content as Json | undefined)?.['application/json']);
        if (STREAMED_FILES.has(key(route.method, route.url))) continue;
        for (const [status] of jsonSuccess) if (!route.responses[status]) problems.push(`${key(route.method, route.url)} answers ${status} JSON but declares no response schema for it`);
      }
      expect(problems).toEqual([]);
    });

    it("documents each route's answers as its declared zod schemas, field by field", () => {
      const mismatches: string[] = [];
      let compared = 0;
      for (const route of t.app.registeredRoutes) {
        const op = documentedOperations(doc).get(key(route.method, toOpenApiPath(route.url)));
        for (const [status, schema] of Object.entries(route.responses)) {
          const documented = deref((deref((op?.responses as Json)?.[status]).content as Json)?.['application/json'])?.schema;
          const json = collapseNullable(z.toJSONSchema(schema as z.ZodType, { io: 'output', unrepresentable: 'any' })) as Json;
          const problems = shapeDifferences(flatShapes(schemaShapes(json, makeDeref(json))), flatShapes(schemaShapes(documented, deref)));
          compared++;
          if (problems.length) mismatches.push(`${key(route.method, route.url)} ${status}: ${problems.join('; ')}`);
        }
      }
      expect(compared).toBeGreaterThan(15);
      expect(mismatches, mismatches.join('\n')).toEqual([]);
    });

    it('marks the WebSocket routes, and only those, with x-websocket: true', () => {
      const ops = documentedOperations(doc);
      const wsRegistered = t.app.registeredRoutes.filter((r) => r.websocket).map((r) => key(r.method, toOpenApiPath(r.url))).sort();
      expect(wsRegistered).toEqual(['GET /v1/events', 'GET /v1/experiments/{id}/events', 'GET /v1/runs/{id}/events']);
      const wsDocumented = [...ops].filter(([, op]) => op['x-websocket'] === true).map(([k]) => k).sort();
      expect(wsDocumented).toEqual(wsRegistered);
    });

    it('serves the document at GET /openapi.yaml', async () => {
      const res = await request(t.app.server).get('/openapi.yaml');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/yaml/);
      expect(res.text).toBe(text);
    });

    it('renders Swagger UI at GET /docs', async () => {
      let res = await request(t.app.server).get('/docs');
      // swagger-ui may redirect /docs to /docs/; follow one hop, no further.
      if (res.status >= 300 && res.status < 400) {
        const location = new URL(res.headers.location, 'http://localhost/docs');
        res = await request(t.app.server).get(location.pathname + location.search);
      }
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toMatch(/swagger/i);
    });

    it('answers a 401 whose body fits the documented Error schema', async () => {
      const res = await request(t.app.server).get('/v1/datasets');
      expect(res.status).toBe(401);
      expect(validate(doc, { $ref: '#/components/schemas/Error' }, res.body)).toEqual([]);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    });

    it('answers a 404 whose body fits the documented Error schema', async () => {
      const team = await createTeam(t.config);
      const res = await request(t.app.server).get('/v1/runs/00000000-0000-4000-8000-000000000000').set(team.auth);
      expect(res.status).toBe(404);
      expect(validate(doc, { $ref: '#/components/schemas/Error' }, res.body)).toEqual([]);
      expect(res.body.error.code).toBe('NOT_FOUND');
    });

    it('the envelope check itself rejects a malformed error', () => {
      // Without this, a validator that accepted everything would make the two tests above pass.
      expect(validate(doc, { $ref: '#/components/schemas/Error' }, { error: { code: 'NOPE', message: 'x' } })).toEqual([
        '$.error: missing required "details"',
        '$.error.code: "NOPE" not in enum',
      ]);
    });
  });
});
