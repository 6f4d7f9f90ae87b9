import { TrainyardApiError } from './api-error.ts';
import { authHeader, type Connection } from './connection.ts';

/** One file part of an upload: its bytes are read only as they are sent. */
export interface UploadFile {
  /** The multipart field: `file` for csv and image-zip, `images` / `labels` for idx, `model` / `weights` for a base model. */
  field: string;
  filename: string;
  size: number;
  open: () => AsyncIterable<Uint8Array>;
}

export interface MultipartUpload {
  /** The text fields, sent before the files (the API reads `format` before it reads a file). */
  fields: Record<string, string | number>;
  files: UploadFile[];
  /** Called as bytes go out, with the body's exact total. */
  onProgress?: (sent: number, total: number) => void;
}

const encoder = new TextEncoder();

/**
 * A multipart POST streamed from the files and counted as fetch pulls it, which openapi-fetch
 * cannot do (it takes a FormData, read all at once, with no progress). Fetch pulls the next
 * chunk only when the socket took the last, so the count follows the bytes sent. Answers the
 * parsed body or throws the API's error.
 */
export async function postMultipart<T>(connection: Connection, path: string, upload: MultipartUpload): Promise<T> {
  const boundary = `----trainyard${crypto.randomUUID().replaceAll('-', '')}`;
  const head = (disposition: string, type?: string) =>
    encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`);
  const fieldParts = Object.entries(upload.fields).map(([name, value]) => concat(head(`name="${name}"`), encoder.encode(`${value}\r\n`)));
  const fileHeads = upload.files.map((f) => head(`name="${f.field}"; filename="${f.filename.replaceAll('"', '%22')}"`, 'application/octet-stream'));
  const tail = encoder.encode(`--${boundary}--\r\n`);
  const total = [...fieldParts, ...fileHeads, tail].reduce((n, b) => n + b.length, 0) + upload.files.reduce((n, f) => n + f.size + 2, 0);

  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield* fieldParts;
    for (const [i, file] of upload.files.entries()) {
      yield fileHeads[i];
      yield* file.open();
      yield encoder.encode('\r\n');
    }
    yield tail;
  }
  const response = await connection.fetch(`${connection.baseUrl}${path}`, {
    method: 'POST',
    headers: { ...authHeader(connection), 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: countedStream(chunks(), total, upload.onProgress),
    // Required by fetch for a streamed request body.
    duplex: 'half',
  } as RequestInit);
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw TrainyardApiError.from(response, body);
  return body as T;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A byte stream that reports, as each chunk is pulled, how many bytes have gone so far. */
function countedStream(source: AsyncGenerator<Uint8Array>, total: number, onProgress?: (sent: number, total: number) => void): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await source.next();
      if (done) {
        controller.close();
        return;
      }
      sent += value.length;
      onProgress?.(sent, total);
      controller.enqueue(value);
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}
