import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { cpuFlags, type NativeEngine } from '../../src/engine/native-engine.ts';

export interface Roofline {
  gflops: number;
  peakGflops: number;
  how: string;
}

/**
 * The native GEMM's GFLOP/s on an n×n×n product (best of a few runs) against a simple
 * peak: cores × clock × float32 lanes of the widest vector unit × 2 (a fused multiply-add is
 * two flops) × 2 FMA units per core. The clock is the one the OS reports, so a CPU
 * that boosts higher does better than "peak" would suggest; the ratio is a guide, not a law.
 */
export function measureGemm(native: NativeEngine, n = 768): Roofline {
  const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7) % 13) / 13);
  const b = Float32Array.from({ length: n * n }, (_, i) => ((i * 5) % 11) / 11);
  const c = new Float32Array(n * n);
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    native.matMul(false, false, n, n, n, a, b, c, null, 0, 0);
    best = Math.min(best, performance.now() - started);
  }
  const gflops = (2 * n ** 3) / (best / 1000) / 1e9;
  const flags = cpuFlags() ?? new Set<string>();
  const lanes = flags.has('avx512f') ? 16 : flags.has('avx2') ? 8 : 4;
  const ghz = clockMhz() / 1000;
  const cores = native.threads();
  const peakGflops = cores * ghz * lanes * 2 * 2;
  return { gflops, peakGflops, how: `${cores} threads × ${ghz.toFixed(2)} GHz × ${lanes} float32 lanes (${native.isa()}) × 2 (FMA) × 2 FMA units` };
}

/** The CPU's clock: os.cpus() where it knows it, else /proc/cpuinfo's "cpu MHz" (virtual machines), else 2 GHz. */
function clockMhz(): number {
  const speed = cpus()[0]?.speed ?? 0;
  if (speed > 0) return speed;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('cpu MHz'));
    const mhz = Number(line?.split(':')[1]);
    return mhz > 0 ? mhz : 2000;
  } catch {
    return 2000;
  }
}
