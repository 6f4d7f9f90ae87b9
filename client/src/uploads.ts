import type { components } from './api-types.generated.ts';
import type { Connection } from './connection.ts';
import { postMultipart, type MultipartUpload } from './multipart-upload.ts';

export type Dataset = components['schemas']['Dataset'];
export type BaseModel = components['schemas']['BaseModel'];

export interface UploadDatasetOptions extends MultipartUpload {
  /** `format` and the format's text fields (`label`, `task`, `width`...), as in `POST /v1/datasets`. */
  fields: { format: 'csv' | 'idx' | 'image-zip' } & Record<string, string | number>;
}

export interface UploadModelOptions extends MultipartUpload {
  /** `name`, optional, as in `POST /v1/models`; the files are one `model` part and its `weights` parts. */
  fields: { name?: string };
}

/** `POST /v1/datasets`, streamed: answers the parsed dataset. */
export const uploadDataset = (connection: Connection, options: UploadDatasetOptions) => postMultipart<Dataset>(connection, '/v1/datasets', options);

/** `POST /v1/models`, streamed: answers the stored base model. */
export const uploadModel = (connection: Connection, options: UploadModelOptions) =>
  postMultipart<BaseModel>(connection, '/v1/models', { ...options, fields: Object.fromEntries(Object.entries(options.fields).filter(([, v]) => v !== undefined)) as Record<string, string> });
