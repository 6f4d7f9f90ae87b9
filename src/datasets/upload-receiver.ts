import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Multipart } from '@fastify/multipart';
import { AppError } from '../errors/app-error.ts';
import { asUploadError } from '../errors/upload-error.ts';
import { assertStorableText } from './storable-text.ts';

export interface ReceivedFile {
  /** The client's file name; only ever used to default the dataset name, never for paths. */
  filename: string;
  path: string;
  bytes: number;
}

export interface ReceivedUpload {
  fields: Record<string, string>;
  files: Map<string, ReceivedFile>;
}

/**
 * Streams every file part of a multipart upload to its own file in `dir` and collects the
 * text fields. Files land on disk first because fields may arrive after them: a parser can
 * only start once it knows `format`, `label` and the rest.
 */
export async function receiveUpload(parts: AsyncIterable<Multipart>, dir: string): Promise<ReceivedUpload> {
  const fields: Record<string, string> = {};
  const files = new Map<string, ReceivedFile>();
  const duplicates = new Set<string>();
  let fileCount = 0;
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldnameTruncated || part.valueTruncated) throw new AppError('INVALID_UPLOAD', `Field "${part.fieldname}" is too long`);
        assertStorableText({ [part.fieldname]: part.value }, 'VALIDATION_FAILED', `Field "${part.fieldname.slice(0, 50)}"`);
        if (part.fieldname in fields) duplicates.add(part.fieldname);
        fields[part.fieldname] = String(part.value);
        continue;
      }
      // Named by position, not by the client's file name, so no upload can choose a path.
      const target = path.join(dir, `part-${fileCount++}`);
      await pipeline(part.file, createWriteStream(target));
      // Busboy stops writing at the limit and marks the stream truncated; the iterator then
      // rejects with FST_REQ_FILE_TOO_LARGE once the body ends, which lands in the catch below.
      if (part.file.truncated) throw tooLarge();
      if (files.has(part.fieldname)) duplicates.add(part.fieldname);
      files.set(part.fieldname, { filename: part.filename, path: target, bytes: part.file.bytesRead });
    }
  } catch (err) {
    if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw asUploadError(err);
  }
  if (duplicates.size > 0) {
    throw new AppError('INVALID_UPLOAD', `Each part may be sent once; repeated: ${[...duplicates].join(', ')}`, { parts: [...duplicates] });
  }
  return { fields, files };
}

function tooLarge() {
  return new AppError('PAYLOAD_TOO_LARGE', 'An uploaded file exceeds the upload size limit (UPLOAD_LIMIT_BYTES)');
}
