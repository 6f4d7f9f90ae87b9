import type { z } from 'zod';

/**
 * Reads the options a zod schema accepts off the schema itself (zod 4's `def`), so a test
 * built on them grows with the schema: a new optimizer, loss or layer type is a new case
 * without anyone listing it.
 */
type Def = {
  type: string;
  innerType?: z.ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
  options?: z.ZodType[];
  items?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
};
type Numeric = { minValue: number | null; maxValue: number | null; isInt: boolean };

const defOf = (schema: z.ZodType) => (schema as unknown as { def: Def }).def;

/** The schema under optional / default / nullable wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let d = defOf(s); ['optional', 'default', 'nullable', 'readonly', 'prefault'].includes(d.type); d = defOf(s)) s = d.innerType!;
  return s;
}

export const kindOf = (schema: z.ZodType) => defOf(unwrap(schema)).type;

/** Whether a key of an object schema may be left out. */
export const isOptional = (schema: z.ZodType) => ['optional', 'default'].includes(defOf(schema).type);

/** Every value of an enum schema. */
export function enumValues(schema: z.ZodType): string[] {
  const d = defOf(unwrap(schema));
  if (d.type !== 'enum') throw new Error(`not an enum schema: ${d.type}`);
  return Object.values(d.entries!);
}

/** The members of a union or discriminated union, unwrapped. */
export function unionOptions(schema: z.ZodType): z.ZodType[] {
  const d = defOf(unwrap(schema));
  if (d.type !== 'union') throw new Error(`not a union schema: ${d.type}`);
  return d.options!.map(unwrap);
}

/** The fields of an object schema. */
export function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  const d = defOf(unwrap(schema));
  if (d.type !== 'object') throw new Error(`not an object schema: ${d.type}`);
  return d.shape!;
}

/** The one value of a literal schema (a discriminated union member's tag). */
export function literalOf(schema: z.ZodType): string {
  const d = defOf(unwrap(schema));
  if (d.type !== 'literal') throw new Error(`not a literal schema: ${d.type}`);
  return String(d.values![0]);
}

/** A small valid number: half a step above the lower bound, an integer when the schema wants one. */
function sampleNumber(schema: z.ZodType): number {
  const { minValue, maxValue, isInt } = schema as unknown as Numeric;
  const lo = Number.isFinite(minValue) ? minValue! : 0;
  const hi = Number.isFinite(maxValue) ? maxValue! : lo + 1;
  const v = lo + (Math.min(hi, lo + 1) - lo) / 2;
  return isInt ? Math.min(Math.ceil(v), hi) : v;
}

/** A valid value of a schema that differs from its default where it can (true, a non-zero number). */
export function sampleValue(schema: z.ZodType): unknown {
  const s = unwrap(schema);
  const d = defOf(s);
  switch (d.type) {
    case 'number':
      return sampleNumber(s);
    case 'boolean':
      return true;
    case 'enum':
      return enumValues(s)[0];
    case 'literal':
      return literalOf(s);
    case 'tuple':
      return d.items!.map(sampleValue);
    case 'union':
      return sampleValue(d.options![0]);
    case 'string':
      return 'a';
    case 'array':
      // Two elements: enough for the lists that need several (a merge layer's inputs).
      return [sampleValue(d.element!), sampleValue(d.element!)];
    case 'object':
      return requiredFields(s);
    default:
      throw new Error(`no sample for a ${d.type} schema`);
  }
}

/** An object schema's required fields, each with a sample value: the smallest valid object. */
export function requiredFields(schema: z.ZodType): Record<string, unknown> {
  return Object.fromEntries(Object.entries(shapeOf(schema)).flatMap(([k, v]) => (isOptional(v) ? [] : [[k, sampleValue(v)]])));
}
