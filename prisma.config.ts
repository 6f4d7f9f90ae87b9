// Prisma CLI configuration. `engine: 'js'` makes `prisma migrate` use the WebAssembly
// schema engine through a driver adapter instead of downloading a native binary, so
// migrations work on machines that reach only the npm registry (see README).
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  engine: 'js',
  experimental: { adapter: true },
  adapter: async () =>
    new PrismaPg({
      connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/trainyard',
    }),
});
