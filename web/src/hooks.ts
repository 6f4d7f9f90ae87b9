import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from './api.ts';
import type { Dataset } from './types.ts';

/** Loads something once per dependency change, keeping the error to show instead of throwing. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { value: T | undefined; error: string | null; reload: () => void } {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (v) => live && (setValue(v), setError(null)),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { value, error, reload: () => setTick((t) => t + 1) };
}

/** The team's datasets by id, for showing names beside runs. */
export function useDatasetNames(): (id: string) => string {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    const found = new Map<string, string>();
    api.eachDatasetsPage((page: Dataset[]) => {
      for (const d of page) found.set(d.id, d.name);
      setNames(new Map(found));
    }).catch(() => undefined);
  }, []);
  // Stable between loads, so views that memoise on it recompute only when a name arrives.
  return useMemo(() => (id: string) => names.get(id) ?? id.slice(0, 8), [names]);
}
