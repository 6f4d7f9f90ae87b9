import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'ty_';

/** A new random key: `ty_` + 32 bytes base64url. Only its hash is ever stored. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * SHA-256 is enough for keys with 256 bits of entropy (no need for a slow password hash),
 * and looking up by hash means no timing leak from comparing candidate keys one by one.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The visible part of a key shown in listings. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6);
}
