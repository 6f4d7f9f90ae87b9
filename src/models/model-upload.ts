import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Multipart } from '@fastify/multipart';
import { AppError } from '../errors/app-error.ts';
import { asUploadError } from '../errors/upload-error.ts';
import { assertStorableText } from '../datasets/storable-text.ts';
import { MAX_MODEL_JSON_BYTES, checkModelJson, type CheckedModelJson } from './model-manifest.ts';

/** Most weight files one model upload may carry (tfjs shards weights into 4 MB files: 1024 is 4 GB). */
export const MAX_WEIGHT_FILES = 1024;

export interface ReceivedModelFile {
  /** The client's file name: matched against the manifest, never used as a path. */
  filename: string;
  path: string;
  bytes: number;
}

export interface ModelUpload {
  name?: string;
  modelJson: string;
  checked: CheckedModelJson;
  /** Manifest file name → the received file holding it. */
  weights: Map<string, ReceivedModelFile>;
}

/**
 * Streams a model upload to `dir`: the file part `model` (model.json) and any number of file
 * parts `weights` (the .bin files, each sent under its manifest file name), plus an optional
 * text field `name`. Parts are stored by position, never by the client's names. Then checks
 * that the weight files are exactly those the manifest names, each with the size its weights
 * need: INVALID_UPLOAD lists what is missing, unexpected or the wrong size.
 */
export async function receiveModelUpload(parts: AsyncIterable<Multipart>, dir: string, maxBytes: number): Promise<ModelUpload> {
  const fields: Record<string, string> = {};
  let model: ReceivedModelFile | undefined;
  const weights: ReceivedModelFile[] = [];
  let total = 0;
  let count = 0;
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldname !== 'name') throw new AppError('VALIDATION_FAILED', `Unknown field ${JSON.stringify(part.fieldname.slice(0, 50))}: a model upload takes the text field name and the file parts model and weights`, { field: part.fieldname.slice(0, 50) });
        if (part.fieldnameTruncated || part.valueTruncated) throw new AppError('INVALID_UPLOAD', 'Field "name" is too long');
        assertStorableText(part.value, 'VALIDATION_FAILED', 'Field "name"');
        fields.name = String(part.value);
        continue;
      }
      if (part.fieldname !== 'model' && part.fieldname !== 'weights') {
        throw new AppError('INVALID_UPLOAD', `Unexpected file part ${JSON.stringify(part.fieldname.slice(0, 50))}: send model.json as "model" and each weight file as "weights"`, { unexpected: [part.fieldname.slice(0, 50)] });
      }
      if (part.fieldname === 'model' && model) throw new AppError('INVALID_UPLOAD', 'Send one model.json (file part "model")', { parts: ['model'] });
      const target = path.join(dir, `part-${count++}`);
      await pipeline(part.file, createWriteStream(target));
      if (part.file.truncated) throw tooLarge('An uploaded file exceeds the upload size limit (UPLOAD_LIMIT_BYTES)');
      const file = { filename: path.basename(part.filename ?? ''), path: target, bytes: part.file.bytesRead };
      total += file.bytes;
      if (total > maxBytes) throw tooLarge(`The model's files exceed ${maxBytes} bytes (BASE_MODEL_MAX_BYTES)`);
      if (part.fieldname === 'model') model = file;
      else weights.push(file);
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge('An uploaded file exceeds the upload size limit (UPLOAD_LIMIT_BYTES)');
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') throw new AppError('INVALID_UPLOAD', `A model upload takes at most ${MAX_WEIGHT_FILES} weight files`);
    throw asUploadError(err);
  }
  if (!model) throw new AppError('INVALID_UPLOAD', 'The file part "model" (model.json) is missing', { missing: ['model'] });
  if (model.bytes > MAX_MODEL_JSON_BYTES) throw new AppError('INVALID_UPLOAD', `model.json is larger than ${MAX_MODEL_JSON_BYTES} bytes`);
  const modelJson = await readFile(model.path, 'utf8');
  const checked = checkModelJson(modelJson);
  return { name: fields.name, modelJson, checked, weights: matchWeights(checked, weights) };
}

/** Pairs each manifest path with the uploaded file of that name, refusing gaps, extras and wrong sizes. */
function matchWeights(checked: CheckedModelJson, files: ReceivedModelFile[]): Map<string, ReceivedModelFile> {
  const byName = new Map<string, ReceivedModelFile>();
  const duplicates = new Set<string>();
  for (const f of files) {
    if (byName.has(f.filename)) duplicates.add(f.filename);
    byName.set(f.filename, f);
  }
  const expected = checked.groups.flatMap((g) => g.paths);
  const missing = expected.filter((p) => !byName.has(p));
  const unexpected = [...byName.keys()].filter((n) => !expected.includes(n));
  if (duplicates.size > 0 || missing.length > 0 || unexpected.length > 0) {
    throw new AppError('INVALID_UPLOAD', `The weight files must be exactly those model.json names (${expected.join(', ') || 'none'})`, {
      expected,
      missing,
      unexpected: unexpected.map((n) => n.slice(0, 200)),
      duplicates: [...duplicates],
    });
  }
  for (const group of checked.groups) {
    const got = group.paths.reduce((sum, p) => sum + byName.get(p)!.bytes, 0);
    if (got !== group.bytes) {
      throw new AppError('INVALID_UPLOAD', `Weight files ${group.paths.join(', ')} hold ${got} bytes; model.json's weights need ${group.bytes}`, {
        files: group.paths,
        expectedBytes: group.bytes,
        actualBytes: got,
      });
    }
  }
  return byName;
}

const tooLarge = (message: string) => new AppError('PAYLOAD_TOO_LARGE', message);
