import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

describe('loadConfig', () => {
  it('gives working defaults for a newcomer on localhost', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgresql://postgres@127.0.0.1:5432/trainyard');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 3000 });
    expect(config.worker).toMatchObject({ backend: 'auto', concurrency: 1 });
  });

  it('reads and coerces every variable', () => {
    const config = loadConfig({ PORT: '8080', WORKER_CONCURRENCY: '3', TRAIN_BACKEND: 'cpu', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.http.port).toBe(8080);
    expect(config.worker.concurrency).toBe(3);
    expect(config.worker.backend).toBe('cpu');
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', TRAIN_BACKEND: 'tpu', DATABASE_URL: 'not a url', WORKER_CONCURRENCY: '0' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'TRAIN_BACKEND', 'DATABASE_URL', 'WORKER_CONCURRENCY']) expect(problems).toContain(name);
    expect((error as ConfigError).problems).toHaveLength(4);
  });
});

describe('the GPU settings', () => {
  it('reads GPU_INDEX as a number, and an empty one as unset (not as GPU 0)', () => {
    expect(loadConfig({ GPU_INDEX: '2' }).worker.gpuIndex).toBe(2);
    expect(loadConfig({ GPU_INDEX: '' }).worker.gpuIndex).toBeUndefined();
    expect(loadConfig({}).worker).toMatchObject({ gpuIndex: undefined, startWorkers: 'one' });
  });

  it('refuses a negative or fractional GPU_INDEX, an unknown START_WORKERS, and GPU_INDEX beside WEBGPU_ADAPTER', () => {
    for (const env of [{ GPU_INDEX: '-1' }, { GPU_INDEX: '1.5' }, { GPU_INDEX: 'first' }, { START_WORKERS: 'all' }, { GPU_INDEX: '0', WEBGPU_ADAPTER: 'RTX' }]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
    }
    expect(() => loadConfig({ GPU_INDEX: '0', WEBGPU_ADAPTER: 'RTX' })).toThrow(/GPU_INDEX and WEBGPU_ADAPTER/);
  });
});
