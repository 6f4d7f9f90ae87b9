import fc from 'fast-check';

/** Strings that have broken parsers, databases and path handling before. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\ud83d\ude00', '🐱猫é', '../../etc/passwd', '..%2F..%2F', "' OR '1'='1", '%00', '%zz', 'NaN', 'Infinity', '1e400', '-1', '0', '-0', '1.5', 'true', 'null', '[]', '{}', '__proto__', 'constructor'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
  fc.integer({ min: 1000, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

/** Keyset cursors as encodeCursor writes them, but with any date JavaScript holds, any id, or junk. */
export const forgedCursor: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }), fc.oneof(fc.uuid(), hostileString))
    .map(([date, id]) => Buffer.from(`${date.toISOString()}|${id}`).toString('base64url')),
  fc.tuple(hostileString, hostileString).map(([a, b]) => Buffer.from(`${a}|${b}`).toString('base64url')),
  hostileString,
);

/** JSON text nested `depth` deep, as arrays or objects. */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '0' + '}'.repeat(depth)));

/** Numbers at and beyond every boundary a schema may set. */
export const hostileNumber: fc.Arbitrary<number | string> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 2 ** 31, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 5e-324, 0.1, 1.5),
  fc.constantFrom('1e400', '-1e400', 'NaN', '1e', '0x10', '07'),
  fc.double(),
);
