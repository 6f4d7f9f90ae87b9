import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './api-types.generated.ts';
import { authHeader, type Connection, type WebSocketConstructor } from './connection.ts';
import { downloadBestModel, downloadRunModel, type ModelFiles } from './run-model.ts';
import { experimentEvents, type ExperimentEvent } from './experiment-events.ts';
import { runEvents, type RunEvent, type RunEventsOptions } from './run-events.ts';
import { uploadDataset, uploadModel, type BaseModel, type Dataset, type UploadDatasetOptions, type UploadModelOptions } from './uploads.ts';

export interface TrainyardClientOptions {
  /** The API's address, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** A team's API key (`ty_...`), sent as `Authorization: Bearer`. */
  apiKey: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** For `runEvents`; defaults to `globalThis.WebSocket` (pass `ws`'s on Node 20). */
  webSocket?: WebSocketConstructor;
}

export interface TrainyardClient {
  /** Every REST operation of `openapi.yaml`, typed: `api.GET('/v1/runs/{id}', ...)`. Wrap calls in `unwrap`. */
  api: Client<paths>;
  /** One run's events, replayed then live, ending after its final status. */
  runEvents: (runId: string, options?: RunEventsOptions) => AsyncGenerator<RunEvent>;
  /** One experiment's events (trials, new best, status), replayed then live, ending once it completes or is canceled. */
  experimentEvents: (experimentId: string, options?: RunEventsOptions) => AsyncGenerator<ExperimentEvent>;
  /** A streamed multipart dataset upload with byte progress. */
  uploadDataset: (options: UploadDatasetOptions) => Promise<Dataset>;
  /** A streamed multipart base-model upload (`model.json` and its weights) with byte progress. */
  uploadModel: (options: UploadModelOptions) => Promise<BaseModel>;
  /** A trained run's `model.json` and weights files. */
  downloadRunModel: (runId: string) => Promise<ModelFiles>;
  /** An experiment's best finished trial's `model.json` and weights files. */
  downloadBestModel: (experimentId: string) => Promise<ModelFiles>;
}

export function createTrainyardClient(options: TrainyardClientOptions): TrainyardClient {
  const connection: Connection = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    apiKey: options.apiKey,
    // Called through a wrapper so a later-patched global fetch (test doubles) is the one used.
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    webSocket: options.webSocket,
  };
  const api = createClient<paths>({ baseUrl: connection.baseUrl, headers: authHeader(connection), fetch: (request) => connection.fetch(request) });
  return {
    api,
    runEvents: (runId, eventOptions) => runEvents(connection, runId, eventOptions),
    experimentEvents: (experimentId, eventOptions) => experimentEvents(connection, experimentId, eventOptions),
    uploadDataset: (uploadOptions) => uploadDataset(connection, uploadOptions),
    uploadModel: (uploadOptions) => uploadModel(connection, uploadOptions),
    downloadRunModel: (runId) => downloadRunModel(api, runId),
    downloadBestModel: (experimentId) => downloadBestModel(api, experimentId),
  };
}
