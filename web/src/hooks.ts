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

/** A button's action: busy while it runs (so it cannot be sent twice), its error kept to show. */
export function useAction(): { busy: boolean; error: string | null; act: (action: () => Promise<unknown>) => () => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = (action: () => Promise<unknown>) => async () => {
    setBusy(true);
    setError(null);
    await action().catch((err: Error) => setError(err.message));
    setBusy(false);
  };
  return { busy, error, act };
}

/**
 * Calls `onChange` after the team's runs change (their event stream: status, epochs), at most
 * once per `everyMs`, for views summarising several runs that refetch rather than patch.
 * Returns whether the stream is open.
 */
export function useTeamChanges(onChange: () => void, everyMs = 1000): boolean {
  const [live, setLive] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const events = api.teamEvents();
    events.onopen = () => setLive(true);
    events.onclose = () => setLive(false);
    events.onmessage = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        onChange();
      }, everyMs);
    };
    return () => {
      clearTimeout(timer);
      events.close(1000);
    };
  }, []);
  return live;
}
