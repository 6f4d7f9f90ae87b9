import { AppError } from '../errors/app-error.ts';

/** One step of a space path: an object key or an array index. */
export type PathSegment = string | number;

/**
 * Parses a path into the run spec as users write it (`compile.optimizer.learningRate`,
 * `model.layers[3].units`) into its segments; a malformed one is a 400 naming it.
 */
export function parseSpacePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|(\.)/gy;
  let expectKey = true;
  let m: RegExpExecArray | null;
  while (re.lastIndex < path.length && (m = re.exec(path))) {
    if (m[1] !== undefined && expectKey) segments.push(m[1]), (expectKey = false);
    else if (m[2] !== undefined && !expectKey) segments.push(Number(m[2]));
    else if (m[3] !== undefined && !expectKey) expectKey = true;
    else break;
  }
  // Keys that reach an object's prototype would let a path write into every object of the process.
  const unsafe = segments.some((s) => s === '__proto__' || s === 'constructor' || s === 'prototype');
  if (re.lastIndex !== path.length || expectKey || segments.length === 0 || unsafe) {
    throw new AppError('INVALID_SPACE', `space path ${JSON.stringify(path)} is not of the form a.b[2].c`, { path });
  }
  return segments;
}

/**
 * Sets `value` at `segments` in a copy of `spec`. Every segment but the last must exist
 * (a layer index beyond the model, a misspelt section); the last may be new, as an option
 * the base left at its default. Anything else is a 400 naming the path.
 */
export function setAtPath<T>(spec: T, path: string, segments: PathSegment[], value: unknown): T {
  const copy = structuredClone(spec) as unknown;
  let node = copy as Record<string | number, unknown>;
  for (const [i, segment] of segments.entries()) {
    const isLast = i === segments.length - 1;
    const fits = typeof segment === 'number' ? Array.isArray(node) && segment < node.length : isPlainObject(node);
    if (!fits || (!isLast && !Object.hasOwn(node, segment))) {
      throw new AppError('INVALID_SPACE', `space path ${path} does not exist in the base spec (at ${JSON.stringify(segment)})`, { path });
    }
    if (isLast) node[segment] = value;
    else node = node[segment] as Record<string | number, unknown>;
  }
  return copy as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
