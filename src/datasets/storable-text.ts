import { AppError } from '../errors/app-error.ts';
import type { ErrorCode } from '../errors/error-codes.ts';

/**
 * U+0000, or a UTF-16 surrogate without its partner. PostgreSQL's text and jsonb hold neither:
 * a NUL fails the insert ("invalid byte sequence"), a lone surrogate fails jsonb ("unsupported
 * Unicode escape sequence") or is silently replaced in text. Either is a 500 or a changed
 * value, so such text is refused where it enters.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be stored, or null when it can. */
export function unstorableReason(text: string): string | null {
  const found = UNSTORABLE.exec(text);
  if (!found) return null;
  return found[0] === '\u0000' ? 'a NUL character' : 'a lone UTF-16 surrogate (not valid Unicode)';
}

export interface UnstorableText {
  /** Keys and indices down to the offending string (a key itself may be the offender). */
  path: (string | number)[];
  reason: string;
}

/** A value still to look at, and how it was reached: its key and the node of its container. */
interface Visit {
  value: unknown;
  key: string | number | null;
  parent: Visit | null;
}

/**
 * The first string in `value` (keys included) that PostgreSQL cannot store, or null. Walks
 * with an explicit stack, so a deeply nested value cannot overflow the call stack; numbers
 * and other scalars are skipped where they are met, and the path is built only for the
 * string that is refused.
 */
export function findUnstorableText(value: unknown): UnstorableText | null {
  const stack: Visit[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const item = visit.value;
    if (typeof item === 'string') {
      const reason = unstorableReason(item);
      if (reason) return { path: pathOf(visit), reason };
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) if (item[i] !== null && (typeof item[i] === 'object' || typeof item[i] === 'string')) stack.push({ value: item[i], key: i, parent: visit });
    } else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item).reverse()) {
        const reason = unstorableReason(key);
        if (reason) return { path: [...pathOf(visit), key], reason };
        stack.push({ value: child, key, parent: visit });
      }
    }
  }
  return null;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let v: Visit | null = visit; v && v.key !== null; v = v.parent) path.unshift(v.key);
  return path;
}

/**
 * Refuses text taken from a request (names, class labels, column names kept for
 * preprocessing) before it is written: a 4xx naming the field instead of a database error.
 */
export function assertStorableText(value: unknown, code: Extract<ErrorCode, 'INVALID_DATASET' | 'VALIDATION_FAILED' | 'INVALID_UPLOAD'>, what: string): void {
  const found = findUnstorableText(value);
  if (found) throw new AppError(code, `${what} contains ${found.reason}, which cannot be stored`, { path: found.path.join('.'), reason: found.reason });
}
