import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../helper.ts';

const run = promisify(execFile);

/** Runs the admin CLI as a user would, through tsx, against the test database. */
function admin(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, ['--import', 'tsx', 'src/admin/cli.ts', ...args], {
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL!, ...env },
  });
}

describe('admin CLI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('create-key creates the team, prints a working key alone on its last line; revoke-key revokes it', async () => {
    const team = `cli-${randomUUID().slice(0, 8)}`;
    const { stdout } = await admin(['create-key', '--team', team]);
    const lines = stdout.trim().split('\n');
    const key = lines[lines.length - 1];
    expect(key).toMatch(/^ty_[A-Za-z0-9_-]{43}$/);

    const ok = await request(t.app.server).get('/v1/datasets').set('authorization', `Bearer ${key}`);
    expect(ok.status).toBe(200);

    // A second key for the same team works alongside the first.
    const second = (await admin(['create-key', '--team', team])).stdout.trim().split('\n').at(-1)!;
    expect(second).not.toBe(key);

    await admin(['revoke-key', '--key', key.slice(0, 9)]);
    const revoked = await request(t.app.server).get('/v1/datasets').set('authorization', `Bearer ${key}`);
    expect(revoked.status).toBe(401);
    const still = await request(t.app.server).get('/v1/datasets').set('authorization', `Bearer ${second}`);
    expect(still.status).toBe(200);
  });

  it('explains a missing --team without a stack trace', async () => {
    const failure = await admin(['create-key']).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('create-key needs --team NAME');
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
  });
});
