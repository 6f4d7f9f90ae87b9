import fc from 'fast-check';
import type { OpenAPIV3 } from 'openapi-types';
import type { OpenApi, Schema } from './openapi-document.ts';
import { hostileNumber, hostileString } from './hostile-values.ts';

/** Values the fuzzer may use for `format: uuid` fields: the fixtures' real ids first. */
export interface KnownIds {
  uuids: string[];
}

/**
 * Values for a schema: mostly valid (within its bounds, its enums, its required properties),
 * sometimes hostile (a wrong type, a boundary value, a hostile string, an unknown property),
 * so both the happy path and the validators' edges are reached. `depth` bounds recursion
 * (NestedNumbers, layer lists).
 */
export function valuesFor(api: OpenApi, schemaOrRef: Schema, ids: KnownIds, depth = 5): fc.Arbitrary<unknown> {
  const schema = api.resolve<OpenAPIV3.SchemaObject>(schemaOrRef);
  const hostile = fc.oneof(hostileString, hostileNumber, fc.constant(null), fc.constant({}), fc.constant([]));
  if (depth <= 0) return hostile;
  const valid = validFor(api, schema, ids, depth);
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: hostile });
}

function validFor(api: OpenApi, schema: OpenAPIV3.SchemaObject, ids: KnownIds, depth: number): fc.Arbitrary<unknown> {
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valuesFor(api, s, ids, depth - 1)));
  if (schema.allOf) return fc.tuple(...schema.allOf.map((s) => valuesFor(api, s, ids, depth - 1))).map((parts) => Object.assign({}, ...parts.filter((p) => typeof p === 'object' && p !== null && !Array.isArray(p))));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'object':
      return objectFor(api, schema, ids, depth);
    case 'array':
      return fc.array(valuesFor(api, schema.items ?? {}, ids, depth - 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1000, -(2 ** 31)), max: Math.min(schema.maximum ?? 1000, 2 ** 31) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...ids.uuids), fc.uuid());
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectFor(api: OpenApi, schema: OpenAPIV3.SchemaObject, ids: KnownIds, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const model = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, valuesFor(api, s, ids, depth - 1)]));
  const record = fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in model) });
  return fc.tuple(record, fc.option(fc.tuple(hostileString, fc.jsonValue({ maxDepth: 1 })), { freq: 6 })).map(([value, extra]) => (extra ? { ...value, [extra[0]]: extra[1] } : value));
}
