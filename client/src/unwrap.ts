import { TrainyardApiError } from './api-error.ts';

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of an openapi-fetch call, or a thrown `TrainyardApiError`: callers write
 * `await unwrap(api.GET(...))` and never test `error` themselves.
 */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<NonNullable<T>> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) throw TrainyardApiError.from(response, error);
  return data as NonNullable<T>;
}
