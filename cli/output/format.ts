/** Metric values: four significant digits, small ones in exponent form. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e-3 ? String(Number(value.toPrecision(4))) : value.toExponential(2);
}

/** A shape as people write it: `28×28×1`. */
/** `28×28×1`; a free axis (the batch, or a model that takes any size) shows as `?`. */
export const formatShape = (shape: (number | null)[] | null | undefined) => (shape && shape.length ? shape.map((n) => n ?? '?').join('×') : '-');

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A timestamp to the second, in UTC, as logs write it. */
export const formatTime = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');
