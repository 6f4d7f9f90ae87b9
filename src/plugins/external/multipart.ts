import fp from 'fastify-plugin';
import multipart, { type Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { assertMultipartBoundary } from './multipart-boundary.ts';
import { abandonedBodies, guardUploadParts } from './upload-parts-guard.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The parts of this multipart request, guarded: a body idle for UPLOAD_IDLE_TIMEOUT_S is
     * refused with 408, a client gone mid-body stops the iteration, and a malformed body is
     * 400 INVALID_UPLOAD, so the caller's cleanup runs in every case. Use it instead of `parts()`.
     */
    uploadParts(options?: Parameters<FastifyRequest['parts']>[0]): AsyncIterable<Multipart>;
  }
}

export interface MultipartOptions {
  uploadLimitBytes: number;
  /** Most milliseconds an upload body may go without a byte arriving. */
  idleTimeoutMs: number;
}

/** Uploads are streamed part by part (never buffered whole); limits guard against abuse. */
export default fp(
  async (app, opts: MultipartOptions) => {
    await app.register(multipart, {
      limits: { fileSize: opts.uploadLimitBytes, files: 4, fields: 20, fieldSize: 64 * 1024, parts: 24 },
      throwFileSizeLimit: true,
    });
    // Busboy throws (a 500) on a boundary it cannot use; refuse those before any route runs.
    app.addHook('preValidation', async (request: FastifyRequest) => {
      if (request.isMultipart()) assertMultipartBoundary(request.headers['content-type']);
    });
    app.addHook('onSend', async (request, reply) => {
      if (abandonedBodies.has(request)) reply.header('connection', 'close');
    });
    app.addHook('onResponse', async (request) => {
      if (abandonedBodies.has(request)) request.raw.socket?.destroy();
    });
    app.decorateRequest('uploadParts', function (this: FastifyRequest, options?: Parameters<FastifyRequest['parts']>[0]) {
      if (!this.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send this upload as multipart/form-data');
      return guardUploadParts(this, this.parts(options), opts.idleTimeoutMs);
    });
  },
  { name: 'multipart' },
);
