import yauzl from 'yauzl';
import { AppError } from '../errors/app-error.ts';

/** Guards against zip bombs; from `config.datasets.zip` (ZIP_MAX_* settings). */
export interface ZipLimits {
  /** Most bytes all entries may expand to together. */
  maxExpandedBytes: number;
  /** Highest uncompressed/compressed ratio one entry may have. */
  maxCompressionRatio: number;
  /** Most entries (files and folders). */
  maxEntries: number;
}

/** One file entry of a checked archive: a safe relative path and its declared sizes. */
export interface ZipFileEntry {
  /** Forward-slash relative path, checked to stay inside the archive (no `..`, not absolute). */
  path: string;
  uncompressedSize: number;
  compressedSize: number;
  /** yauzl's entry, to open its data with {@link ZipArchive.read}. */
  entry: yauzl.Entry;
}

/**
 * A zip file read through yauzl's central directory, never by scanning local headers, so
 * what we check is what we later read. Every entry is checked before any data is inflated:
 * paths (ZIP_PATH_TRAVERSAL), entry count, per-entry ratio and total expanded size
 * (ZIP_BOMB). yauzl also verifies while inflating that no entry yields more bytes than it
 * declared, so a lying header cannot slip past the size checks.
 */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    /** File entries (folders left out), in archive order. */
    readonly files: ZipFileEntry[],
  ) {}

  static async open(file: string, limits: ZipLimits): Promise<ZipArchive> {
    let zip: yauzl.ZipFile;
    try {
      // decodeStrings off: we decode and validate names ourselves, so a traversal attempt is a
      // typed ZIP_PATH_TRAVERSAL instead of a generic yauzl error message.
      zip = await yauzl.openPromise(file, { decodeStrings: false, validateEntrySizes: true, autoClose: false });
    } catch (err) {
      throw new AppError('INVALID_UPLOAD', `file is not a readable zip archive: ${(err as Error).message}`, { part: 'file', reason: (err as Error).message });
    }
    try {
      if (zip.entryCount > limits.maxEntries) {
        throw new AppError('ZIP_BOMB', `the archive holds ${zip.entryCount} entries, more than the ${limits.maxEntries} allowed (ZIP_MAX_ENTRIES)`, {
          entries: zip.entryCount,
          limit: limits.maxEntries,
        });
      }
      const files = await readEntries(zip, limits);
      return new ZipArchive(zip, files);
    } catch (err) {
      zip.close();
      throw err;
    }
  }

  /** The whole inflated content of one entry. A corrupt stream is INVALID_UPLOAD naming the entry. */
  async read(file: ZipFileEntry): Promise<Buffer> {
    try {
      const stream = await this.zip.openReadStreamPromise(file.entry);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (err) {
      throw new AppError('INVALID_UPLOAD', `zip entry ${JSON.stringify(file.path)} cannot be read: ${(err as Error).message}`, {
        file: file.path,
        reason: (err as Error).message,
      });
    }
  }

  close(): void {
    this.zip.close();
  }
}

async function readEntries(zip: yauzl.ZipFile, limits: ZipLimits): Promise<ZipFileEntry[]> {
  const files: ZipFileEntry[] = [];
  let expanded = 0;
  for (;;) {
    const entry = await nextEntry(zip);
    if (!entry) return files;
    const raw = entry.fileName as unknown as Buffer;
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
    const problem = yauzl.validateFileName(name);
    if (problem !== null || name.split('/').includes('..')) {
      throw new AppError('ZIP_PATH_TRAVERSAL', `zip entry ${JSON.stringify(name.slice(0, 200))} points outside the archive (${problem ?? 'parent path'})`, {
        entry: name.slice(0, 200),
      });
    }
    if (name.endsWith('/')) continue;
    if (entry.isEncrypted()) throw new AppError('INVALID_UPLOAD', `zip entry ${JSON.stringify(name)} is encrypted`, { file: name });
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (ratio > limits.maxCompressionRatio) {
      throw new AppError('ZIP_BOMB', `zip entry ${JSON.stringify(name)} expands ${Math.round(ratio)}:1, beyond the ${limits.maxCompressionRatio}:1 allowed (ZIP_MAX_COMPRESSION_RATIO)`, {
        file: name,
        ratio: Math.round(ratio),
        limit: limits.maxCompressionRatio,
      });
    }
    expanded += entry.uncompressedSize;
    if (expanded > limits.maxExpandedBytes) {
      throw new AppError('ZIP_BOMB', `the archive expands to more than the ${limits.maxExpandedBytes} bytes allowed (ZIP_MAX_EXPANDED_BYTES)`, {
        limit: limits.maxExpandedBytes,
      });
    }
    files.push({ path: name, uncompressedSize: entry.uncompressedSize, compressedSize: entry.compressedSize, entry });
  }
}

/** yauzl's lazy-entries protocol as a promise: the next entry, or null after the last. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(null));
    const onError = (err: Error) => {
      cleanup();
      reject(new AppError('INVALID_UPLOAD', `file is not a readable zip archive: ${err.message}`, { part: 'file', reason: err.message }));
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}
