import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkServices, ServiceUnreachableError } from '../../src/startup/check-services.ts';

const run = promisify(execFile);

describe('unreachable services', () => {
  it('names each service that cannot be reached, in one error', async () => {
    const err = await checkServices({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/x', redisUrl: 'redis://127.0.0.1:1' }).catch((e) => e);
    expect(err).toBeInstanceOf(ServiceUnreachableError);
    expect(err.message).toContain('Cannot reach PostgreSQL at 127.0.0.1:1');
    expect(err.message).toContain('Cannot reach Redis at 127.0.0.1:1');
  });

  it('passes when both are up', async () => {
    await expect(checkServices({ databaseUrl: process.env.DATABASE_URL!, redisUrl: 'redis://127.0.0.1:6379' })).resolves.toBeUndefined();
  });

  it('makes the API exit with a clear message, not a stack trace, for bad config or a missing service', async () => {
    const start = (env: Record<string, string>) =>
      run(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, ...env }, timeout: 30_000 }).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
    const badConfig = await start({ PORT: 'x', TRAIN_BACKEND: 'tpu' });
    expect(badConfig?.code).toBe(1);
    expect(badConfig?.stderr).toMatch(/PORT/);
    expect(badConfig?.stderr).toMatch(/TRAIN_BACKEND/);
    expect(badConfig?.stderr).not.toMatch(/\n\s+at /);

    const noRedis = await start({ REDIS_URL: 'redis://127.0.0.1:1', PORT: '0' });
    expect(noRedis?.code).toBe(1);
    expect(noRedis?.stderr).toContain('Cannot reach Redis');
    expect(noRedis?.stderr).not.toMatch(/\n\s+at /);
  });
});
