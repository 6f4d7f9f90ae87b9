// Prisma CLI configuration. `engine: 'js'` makes `prisma migrate` use the WebAssembly
// schema engine through a driver adapter instead of downloading a native binary, so
// migrations work on machines that reach only the npm registry (see README).
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// The schema's datasource reads DATABASE_URL. Without it (as during `npm ci`, whose
// postinstall runs `prisma generate`) Prisma cannot read the schema's engine type and falls
// back to downloading a native engine; default it the way src/config/config.ts does.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/trainyard';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  engine: 'js',
  experimental: { adapter: true },
  adapter: async () =>
    new PrismaPg({
      connectionString: process.env.DATABASE_URL,
    }),
});
