import { session } from './session.ts';
import type { Checkpoint, Dataset, DatasetPreview, EpochRow, Experiment, Prediction, Run, RunStatus, Trial, Worker } from './types.ts';

/**
 * Every call the dashboard makes to the API, and nothing else does: one module to switch to the
 * generated typed client (client/, openapi-fetch) once it lands. Only the public API, with the
 * signed-in key, so the dashboard can do nothing the key could not do over HTTP.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${session.key() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw await errorOf(res.status, await res.text());
  return (await res.json()) as T;
}

function errorOf(status: number, text: string): ApiError {
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    return new ApiError(status, error.code, error.message);
  } catch {
    return new ApiError(status, 'HTTP_ERROR', `HTTP ${status}`);
  }
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Walks every page, handing each to `onPage` as it arrives so the first rows show at once. */
async function allPages<T>(path: string, onPage: (items: T[]) => void): Promise<void> {
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const page: Page<T> = await request<Page<T>>('GET', `${path}?${query}`);
    onPage(page.items);
    cursor = page.nextCursor;
  } while (cursor);
}

export const api = {
  team: () => request<{ id: string; name: string }>('GET', '/v1/team'),

  eachRunsPage: (onPage: (runs: Run[]) => void) => allPages<Run>('/v1/runs', onPage),
  run: (id: string) => request<Run>('GET', `/v1/runs/${encodeURIComponent(id)}`),
  runMetrics: (id: string) => request<{ epochs: EpochRow[] }>('GET', `/v1/runs/${encodeURIComponent(id)}/metrics`).then((r) => r.epochs),
  runCheckpoints: (id: string) => request<{ checkpoints: Checkpoint[] }>('GET', `/v1/runs/${encodeURIComponent(id)}/checkpoints`).then((r) => r.checkpoints),
  controlRun: (id: string, action: 'cancel' | 'pause' | 'resume') => request<Run>('POST', `/v1/runs/${encodeURIComponent(id)}/${action}`),
  predict: (id: string, instances: unknown[]) =>
    request<{ predictions: Prediction[] }>('POST', `/v1/runs/${encodeURIComponent(id)}/predict`, { instances }).then((r) => r.predictions),
  /** model.json and its weight files, as blobs to save (the API needs the key, so a plain link would not do). */
  modelFile: async (id: string, file: string): Promise<Blob> => {
    const res = await fetch(`/v1/runs/${encodeURIComponent(id)}/model/${encodeURIComponent(file)}`, { headers: { authorization: `Bearer ${session.key() ?? ''}` } });
    if (!res.ok) throw errorOf(res.status, await res.text());
    return res.blob();
  },

  eachDatasetsPage: (onPage: (datasets: Dataset[]) => void) => allPages<Dataset>('/v1/datasets', onPage),
  dataset: (id: string) => request<Dataset>('GET', `/v1/datasets/${encodeURIComponent(id)}`),
  datasetPreview: (id: string, samples = 24) => request<DatasetPreview>('GET', `/v1/datasets/${encodeURIComponent(id)}/preview?samples=${samples}`),
  uploadDataset,

  workers: () => request<{ workers: Worker[] }>('GET', '/v1/workers').then((r) => r.workers),
  runsWithStatus: async (status: RunStatus): Promise<Run[]> => {
    const runs: Run[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<Run> = await request<Page<Run>>('GET', `/v1/runs?${new URLSearchParams({ limit: '100', status, ...(cursor ? { cursor } : {}) })}`);
      runs.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return runs;
  },

  experiments: () => request<{ items: Experiment[] }>('GET', '/v1/experiments').then((r) => r.items),
  experiment: (id: string) => request<Experiment>('GET', `/v1/experiments/${encodeURIComponent(id)}`),
  trials: (id: string) => request<{ trials: Trial[] }>('GET', `/v1/experiments/${encodeURIComponent(id)}/trials`).then((r) => r.trials),

  controlExperiment: (id: string, action: 'cancel' | 'pause' | 'resume') => request<Experiment>('POST', `/v1/experiments/${encodeURIComponent(id)}/${action}`),
  experimentEvents: (id: string, since: number): WebSocket => socket(`/v1/experiments/${encodeURIComponent(id)}/events?since=${since}`),
  runEvents: (id: string, since: number): WebSocket => socket(`/v1/runs/${encodeURIComponent(id)}/events?since=${since}&progress=true`),
  /** Every run of the team, live only (no replay): what the runs table patches its rows with. */
  teamEvents: (): WebSocket => socket('/v1/events'),
};

/** Browsers cannot set headers on a WebSocket: the key goes as the `bearer.<key>` subprotocol. */
function socket(path: string): WebSocket {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return new WebSocket(`${scheme}://${location.host}${path}`, [`bearer.${session.key() ?? ''}`]);
}

/** XMLHttpRequest rather than fetch: only it reports upload progress (bytes sent of total). */
function uploadDataset(form: FormData, onProgress: (sent: number, total: number) => void): Promise<Dataset> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/v1/datasets');
    xhr.setRequestHeader('authorization', `Bearer ${session.key() ?? ''}`);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total);
    xhr.onload = () => (xhr.status === 201 ? resolve(JSON.parse(xhr.responseText) as Dataset) : reject(errorOf(xhr.status, xhr.responseText)));
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'The upload could not reach the API'));
    xhr.send(form);
  });
}
