/** Display helpers shared by the views. */
export function duration(fromIso: string | null, toIso: string | null): string {
  if (!fromIso) return '–';
  return seconds(((toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso)) / 1000);
}

/** A span of time as a person reads it: 42 s, 3 min 5 s, 2 h 10 min. */
export function seconds(span: number): string {
  const s = Math.max(0, Math.round(span));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const number = (v: number | null | undefined, digits = 4): string =>
  v === null || v === undefined || Number.isNaN(v) ? '–' : Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(digits)).toString();

export const bytes = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);

export const when = (iso: string): string => new Date(iso).toLocaleString();

export const shortId = (id: string): string => id.slice(0, 8);
