import { parseDecimal } from './csv-records.ts';

/**
 * Orders class labels so their indices are predictable: numerically when every label is a
 * number ("2" before "10"), else by code point (locale-independent, so every server agrees).
 */
export function sortClassNames(names: Iterable<string>): string[] {
  const list = [...names];
  const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const numbers = list.map(parseDecimal);
  if (numbers.every((n) => n !== undefined)) {
    const value = new Map(list.map((name, i) => [name, numbers[i]!]));
    return list.sort((a, b) => value.get(a)! - value.get(b)! || byCodePoint(a, b));
  }
  return list.sort(byCodePoint);
}
