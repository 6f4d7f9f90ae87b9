export { createTrainyardClient, type TrainyardClient, type TrainyardClientOptions } from './create-client.ts';
export { TrainyardApiError } from './api-error.ts';
export { unwrap } from './unwrap.ts';
export { isFinalEvent, type RunEvent, type RunEventsOptions } from './run-events.ts';
export type { BaseModel, Dataset, UploadDatasetOptions, UploadModelOptions } from './uploads.ts';
export type { UploadFile } from './multipart-upload.ts';
export type { ModelFiles } from './run-model.ts';
export type { WebSocketConstructor } from './connection.ts';
export type { components, paths } from './api-types.generated.ts';
