import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { TrainerPool } from '../../../workers/trainer/trainer-pool.ts';

describe('TrainerPool', () => {
  let pool: TrainerPool | null = null;
  afterEach(async () => {
    await pool?.stop();
    pool = null;
  });

  it("splits the cores between its trainers so concurrent runs do not oversubscribe them", async () => {
    pool = new TrainerPool(2, 'engine');
    const info = await pool.start();
    expect(info.backend).toBe('engine');
    const share = Math.max(1, Math.floor(os.availableParallelism() / 2));
    expect(info.device).toContain(`kernels on ${share} threads`);
  });

  it('hands out each trainer once, and again after release', async () => {
    pool = new TrainerPool(1, 'cpu');
    await pool.start();
    const trainer = await pool.acquire();
    await expect(pool.acquire()).rejects.toThrow(/no idle trainer/);
    pool.release(trainer);
    expect(await pool.acquire()).toBe(trainer);
  });
});
