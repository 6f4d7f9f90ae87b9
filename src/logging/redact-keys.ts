/**
 * A Trainyard key (`ty_` + 43 base64url characters, see src/auth/api-key.ts) or anything long
 * enough to be one mistyped: 20 or more key characters after `ty_`. Listings' 9-character key
 * prefixes (`ty_abc123`) stay readable.
 */
const KEY_SHAPED = /ty_[A-Za-z0-9_-]{20,}/g;

/** `text` with every key-shaped run replaced; used on each log line as pino writes it. */
export function redactKeys(text: string): string {
  return text.replace(KEY_SHAPED, 'ty_[REDACTED]');
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

/**
 * The URL with the value of every `access_token` parameter replaced, however its name is
 * spelt: `ACCESS_TOKEN`, `%61ccess_token`, `access%5Ftoken` all decode to the same name.
 * Keys are not accepted there, but clients send them anyway, and the value is still a secret.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    return decodedName(name).trim() === 'access_token' && eq >= 0 ? `${name}=[REDACTED]` : pair;
  });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
