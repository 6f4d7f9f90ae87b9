import * as tf from '@tensorflow/tfjs';

/** One kernel's part of the profiled training steps. */
export interface KernelShare {
  kernel: string;
  calls: number;
  /** Milliseconds per step. */
  ms: number;
  /** Of the step's wall time. */
  share: number;
}

/** Where the time of a training step goes, from tf.profile over a few steps. */
export interface StepProfile {
  /** Wall milliseconds per step, profiled (tf.profile's bookkeeping makes it a little slower). */
  stepMs: number;
  /** Every kernel the steps ran, the costliest first. */
  kernels: KernelShare[];
  /** The share of the step spent outside every kernel: tfjs's tape, gradients' JS, tensor bookkeeping, GC. */
  outsideKernels: number;
}

/**
 * Runs `step` `steps` times under tf.profile and sums each kernel's time by name. A kernel's time
 * is tfjs's clock around its function, synchronous on the cpu-based backends; what the step's
 * wall time leaves over is JS outside the kernels.
 */
export async function profileSteps(step: () => Promise<unknown>, steps: number): Promise<StepProfile> {
  const started = performance.now();
  const info = await tf.profile(async () => {
    for (let i = 0; i < steps; i++) await step();
  });
  const stepMs = (performance.now() - started) / steps;
  const totals = new Map<string, { calls: number; ms: number }>();
  const backend = tf.getBackend();
  // Ops with a custom gradient (fusedConv2d__op, …) are recorded too, around the kernels they run.
  for (const k of info.kernels.filter((k) => tf.getKernel(k.name, backend))) {
    const total = totals.get(k.name) ?? { calls: 0, ms: 0 };
    total.calls++;
    total.ms += k.kernelTimeMs as number;
    totals.set(k.name, total);
  }
  const kernels = [...totals]
    .map(([kernel, t]) => ({ kernel, calls: t.calls / steps, ms: t.ms / steps, share: t.ms / steps / stepMs }))
    .sort((a, b) => b.ms - a.ms);
  const inKernels = kernels.reduce((sum, k) => sum + k.share, 0);
  return { stepMs, kernels, outsideKernels: Math.max(0, 1 - inKernels) };
}

/** `top` kernels and the time outside kernels as one line, e.g. `Conv2DBackpropFilter 31 % (2×), …; outside kernels 18 %`. */
export function describeProfile(p: StepProfile, top = 5): string {
  const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
  const kernels = p.kernels.slice(0, top).map((k) => `${k.kernel} ${pct(k.share)} (${+k.calls.toFixed(1)}×)`);
  return `${p.stepMs.toFixed(1)} ms/step: ${kernels.join(', ')}; outside kernels ${pct(p.outsideKernels)}`;
}
