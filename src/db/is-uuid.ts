const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; checking first keeps malformed ids out of queries (they answer 404, like unknown ones). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
