import { AppError } from '../errors/app-error.ts';

/** IDX's only element type we accept: unsigned bytes, as MNIST and its kin use. */
export const IDX_UBYTE = 0x08;

export interface IdxFile {
  /** Dimension sizes from the header, e.g. [60000, 28, 28]. */
  dims: number[];
  /** Elements the header promises: the product of `dims`. */
  length: number;
  /** The data after the header, checked to hold exactly `length` bytes (else INVALID_DATASET). */
  body: AsyncGenerator<Buffer>;
  /** Stops reading early (closing the underlying file) when the body is not consumed. */
  close: () => Promise<void>;
}

export interface IdxExpectation {
  /** Upload part name, for messages. */
  part: string;
  /** Dimension counts allowed, e.g. [3, 4] for images. */
  ndims: number[];
  /** Most data bytes the header may announce. */
  maxLength: number;
}

/**
 * Reads an IDX file's header (magic `00 00 <type> <ndims>`, then one big-endian u32 per
 * dimension) from a byte stream, then hands out the data while checking it against what
 * the header declared: a header lying about its counts in either direction is refused.
 */
export async function openIdx(source: AsyncGenerator<Buffer>, expect: IdxExpectation): Promise<IdxFile> {
  const { part } = expect;
  let head = Buffer.alloc(0);
  const fill = async (size: number) => {
    while (head.length < size) {
      const next = await source.next();
      if (next.done) throw invalid(part, `ends inside its header (${head.length} bytes)`);
      head = Buffer.concat([head, next.value]);
    }
  };
  try {
    await fill(4);
    const magic = head.readUInt32BE(0);
    const ndims = head[3];
    if (head[0] !== 0 || head[1] !== 0 || head[2] !== IDX_UBYTE || !expect.ndims.includes(ndims)) {
      const wanted = expect.ndims.map((n) => `0x${((IDX_UBYTE << 8) | n).toString(16).padStart(8, '0')}`).join(' or ');
      throw invalid(part, `is not an unsigned-byte IDX file with ${expect.ndims.join(' or ')} dimensions: magic 0x${magic.toString(16).padStart(8, '0')}, expected ${wanted}`);
    }
    const headerBytes = 4 + 4 * ndims;
    await fill(headerBytes);
    const dims = Array.from({ length: ndims }, (_, i) => head.readUInt32BE(4 + 4 * i));
    if (dims.some((d) => d === 0)) throw invalid(part, `declares an empty dimension: [${dims.join(', ')}]`);
    const length = dims.reduce((a, b) => a * b, 1);
    if (length > expect.maxLength) throw invalid(part, `declares ${length} bytes of data, more than the ${expect.maxLength} accepted`);
    const rest = head.subarray(headerBytes);
    return { dims, length, body: checkedBody(source, rest, length, part), close: async () => void (await source.return(undefined)) };
  } catch (err) {
    await source.return(undefined);
    throw err;
  }
}

async function* checkedBody(source: AsyncGenerator<Buffer>, first: Buffer, length: number, part: string): AsyncGenerator<Buffer> {
  let seen = 0;
  const take = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > length) throw invalid(part, `holds more data than its header declares (${length} bytes)`);
    return chunk;
  };
  try {
    if (first.length > 0) yield take(first);
    for await (const chunk of source) yield take(chunk);
  } finally {
    await source.return(undefined);
  }
  if (seen < length) throw invalid(part, `is truncated: its header declares ${length} bytes of data, it holds ${seen}`);
}

function invalid(part: string, problem: string) {
  return new AppError('INVALID_DATASET', `Part "${part}" ${problem}`, { part });
}
