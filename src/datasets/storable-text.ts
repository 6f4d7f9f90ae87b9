import { AppError } from '../errors/app-error.ts';
import type { ErrorCode } from '../errors/error-codes.ts';

/** Where in `value` a string holds U+0000 (as a path of keys), or null when none does. */
export function nulBytePath(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulBytePath(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulBytePath(key, [...path, key]) ?? nulBytePath(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, so a NUL byte that reaches an insert fails
 * it with a database error (a 500). Text taken from uploads (names, class labels, column
 * names kept for preprocessing) is checked before it is written: a 4xx naming the field.
 */
export function assertStorableText(value: unknown, code: Extract<ErrorCode, 'INVALID_DATASET' | 'VALIDATION_FAILED'>, what: string): void {
  const path = nulBytePath(value);
  if (path) throw new AppError(code, `${what} contains a NUL byte, which cannot be stored`, { path: path.join('.') });
}
