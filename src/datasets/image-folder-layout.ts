import { AppError } from '../errors/app-error.ts';
import type { ZipFileEntry } from './zip-archive.ts';

/** Extensions taken as images; the content is checked when decoding. */
const IMAGE_EXTENSION = /\.(png|jpe?g)$/i;

export interface LabelledImage {
  file: ZipFileEntry;
  /** Index into `classNames`. */
  label: number;
}

export interface ImageFolderLayout {
  /** Folder names, sorted (Keras's `image_dataset_from_directory` order). */
  classNames: string[];
  /** Every image once, classes interleaved (see {@link imageFolderLayout}). */
  images: LabelledImage[];
}

/**
 * Reads the class structure of an archive: `<class>/<image>`, or `<root>/<class>/<image>`
 * when every image sits under one common top folder (what zipping a folder produces).
 *
 * - Ignored: macOS's `__MACOSX/` and any path with a dot-named part (`.DS_Store`, `.git/`).
 * - Refused (INVALID_DATASET naming the file): any other non-PNG/JPEG file, and images not
 *   exactly one folder deep. Refusing rather than skipping means a mistaken upload (a CSV,
 *   nested folders) is reported instead of silently training on part of the data.
 * - At least two classes, each with an image.
 *
 * Samples are interleaved class by class (a0, b0, c0, a1, b1, …; each class in file-name
 * order), so an unshuffled `validationSplit`, which holds out the last part, still sees
 * every class.
 */
export function imageFolderLayout(files: ZipFileEntry[]): ImageFolderLayout {
  const images: { file: ZipFileEntry; parts: string[] }[] = [];
  for (const file of files) {
    const parts = file.path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts[0] === '__MACOSX' || parts.some((p) => p.startsWith('.'))) continue;
    if (!IMAGE_EXTENSION.test(file.path)) {
      throw new AppError('INVALID_DATASET', `${JSON.stringify(file.path)} is not a PNG or JPEG image; an image archive holds only class folders of images`, {
        file: file.path,
      });
    }
    images.push({ file, parts });
  }
  if (images.length === 0) throw new AppError('INVALID_DATASET', 'the archive holds no PNG or JPEG images', {});

  const root = images[0].parts[0];
  const stripRoot = images.every((img) => img.parts.length === 3 && img.parts[0] === root);
  const byClass = new Map<string, ZipFileEntry[]>();
  for (const img of images) {
    const parts = stripRoot ? img.parts.slice(1) : img.parts;
    if (parts.length !== 2) {
      throw new AppError('INVALID_DATASET', `${JSON.stringify(img.file.path)} is not in a class folder: lay images out as <class>/<image>.png, one folder per class`, {
        file: img.file.path,
      });
    }
    const list = byClass.get(parts[0]) ?? [];
    list.push(img.file);
    byClass.set(parts[0], list);
  }
  const classNames = [...byClass.keys()].sort();
  if (classNames.length < 2) {
    throw new AppError('INVALID_DATASET', `the archive has ${classNames.length} class folder (${classNames.join(', ')}); classification needs at least two`, {
      classNames,
    });
  }

  const perClass = classNames.map((name) => byClass.get(name)!.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
  const ordered: LabelledImage[] = [];
  const longest = Math.max(...perClass.map((l) => l.length));
  for (let i = 0; i < longest; i++) {
    perClass.forEach((list, label) => {
      if (i < list.length) ordered.push({ file: list[i], label });
    });
  }
  return { classNames, images: ordered };
}
