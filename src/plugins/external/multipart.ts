import fp from 'fastify-plugin';
import multipart from '@fastify/multipart';

/** Uploads are streamed part by part (never buffered whole); limits guard against abuse. */
export default fp(
  async (app, opts: { uploadLimitBytes: number }) => {
    await app.register(multipart, {
      limits: { fileSize: opts.uploadLimitBytes, files: 4, fields: 20, fieldSize: 64 * 1024, parts: 24 },
      throwFileSizeLimit: true,
    });
  },
  { name: 'multipart' },
);
