import { AppError } from '../../errors/app-error.ts';

/** RFC 2046: 1 to 70 characters of `bchars`, the last one not a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** The `boundary` parameter of a multipart content type, quoted or not, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

/** 400 INVALID_UPLOAD unless the content type carries a boundary the body can be split on. */
export function assertMultipartBoundary(contentType: string | undefined): void {
  const boundary = multipartBoundary(contentType);
  if (boundary === undefined) {
    throw new AppError('INVALID_UPLOAD', 'multipart/form-data needs a boundary parameter: Content-Type: multipart/form-data; boundary=...');
  }
  if (!BOUNDARY.test(boundary)) {
    throw new AppError('INVALID_UPLOAD', 'The multipart boundary must be 1 to 70 characters of letters, digits and \'()+_,-./:=? (RFC 2046)', {
      boundary: boundary.slice(0, 80),
    });
  }
}
