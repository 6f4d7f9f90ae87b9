import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/config.ts';
import { createTeam, testConfig } from '../helper.ts';
import { useSwiftShader } from '../training/swiftshader.ts';
import { childEnv, spawnEntry, waitFor, type ChildProc } from './durability-fixture.ts';
import { freePort } from './fixtures/free-port.ts';

interface ListedWorker {
  backend: string;
  adapter?: { architecture: string };
}

/**
 * `npm start` with START_WORKERS=per-adapter, as a user runs it: the start process lists the
 * host's WebGPU adapters and forks one worker pinned to each (here the one SwiftShader adapter,
 * taken because TRAIN_BACKEND=webgpu asks for webgpu by name), beside the API; SIGTERM stops all.
 */
describe('npm start on a host with WebGPU adapters', () => {
  let config: AppConfig;
  let start: ChildProc | undefined;

  beforeAll(async () => {
    useSwiftShader();
    config = await testConfig();
  });
  afterAll(() => {
    // SIGTERM, not SIGKILL: the start process stops the API and workers it forked.
    if (start && start.child.exitCode === null) start.child.kill('SIGTERM');
  });

  it('starts one worker per adapter, each reporting its adapter, and stops them all on SIGTERM', async () => {
    const team = await createTeam(config);
    const port = await freePort();
    start = spawnEntry('src/start.ts', childEnv(config, { PORT: String(port), HOST: '127.0.0.1', START_WORKERS: 'per-adapter', TRAIN_BACKEND: 'webgpu' }));
    const proc = start;
    const workers = await waitFor('a webgpu worker on GET /v1/workers', async () => {
      if (proc.child.exitCode !== null) throw new Error(proc.output());
      const res = await fetch(`http://127.0.0.1:${port}/v1/workers`, { headers: team.auth }).catch(() => null);
      const body = res?.ok ? ((await res.json()) as { workers: ListedWorker[] }) : null;
      return body?.workers.length ? body.workers : null;
    }, 90_000, 300);
    expect(workers).toEqual([expect.objectContaining({ backend: 'webgpu', adapter: expect.objectContaining({ architecture: 'swiftshader' }) })]);
    expect(proc.output()).toContain('worker 1 on adapter 0: SwiftShader Device (Subzero)');

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });
});
