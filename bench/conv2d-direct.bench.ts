import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { convShapeOf } from '../src/engine/kernels/conv2d-shape.ts';
import { loadNativeEngine } from '../src/engine/native-engine.ts';
import { percentile } from './latency-stats.ts';

/**
 * `npm run bench:conv`: the engine's convolutions at the small ResNet's shapes and the other
 * zoo models' narrow ones (batch 64),
 * forward and both gradients, on im2col + GEMM (directConv(false)) and on the direct path,
 * in alternating rounds in one process: one line per convolution and pass, the median round
 * of each, with the machine's load.
 */
const BATCH = 64;
const ROUNDS = 7;
const CALLS = 10;

interface Conv {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: 'same' | 'valid';
}
const CONVS: Conv[] = [
  { name: 'stem 1→16 3×3 28²', x: [BATCH, 28, 28, 1], filter: [3, 3, 1, 16], strides: 1, pad: 'same' },
  { name: '16→16 3×3 28²', x: [BATCH, 28, 28, 16], filter: [3, 3, 16, 16], strides: 1, pad: 'same' },
  { name: '16→32 3×3 s2 28²→14²', x: [BATCH, 28, 28, 16], filter: [3, 3, 16, 32], strides: 2, pad: 'same' },
  { name: '16→32 1×1 s2 28²→14²', x: [BATCH, 28, 28, 16], filter: [1, 1, 16, 32], strides: 2, pad: 'same' },
  { name: '32→32 3×3 14²', x: [BATCH, 14, 14, 32], filter: [3, 3, 32, 32], strides: 1, pad: 'same' },
  { name: '32→64 3×3 s2 14²→7²', x: [BATCH, 14, 14, 32], filter: [3, 3, 32, 64], strides: 2, pad: 'same' },
  { name: '64→64 3×3 7²', x: [BATCH, 7, 7, 64], filter: [3, 3, 64, 64], strides: 1, pad: 'same' },
  // The other zoo models' narrow convolutions (reference and BN CNN, small VGG, LeNet-5), which the direct path takes too.
  { name: '1→32 3×3 valid 28²→26²', x: [BATCH, 28, 28, 1], filter: [3, 3, 1, 32], strides: 1, pad: 'valid' },
  { name: '32→64 3×3 valid 13²→11²', x: [BATCH, 13, 13, 32], filter: [3, 3, 32, 64], strides: 1, pad: 'valid' },
  { name: '32→32 3×3 28²', x: [BATCH, 28, 28, 32], filter: [3, 3, 32, 32], strides: 1, pad: 'same' },
  { name: '64→64 3×3 14²', x: [BATCH, 14, 14, 64], filter: [3, 3, 64, 64], strides: 1, pad: 'same' },
  { name: '6→16 5×5 valid 12²→8²', x: [BATCH, 12, 12, 6], filter: [5, 5, 6, 16], strides: 1, pad: 'valid' },
];

const load = loadNativeEngine();
if (!load.ok) throw new Error(`the native engine did not load: ${load.reason}`);
const native = load.engine;

const random = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
const median = (v: number[]) => percentile([...v].sort((a, b) => a - b), 50)!;

/** Milliseconds per call of `fn` with the direct path on and off, alternating rounds: the median of each. */
function compare(fn: () => void): { im2col: number; direct: number } {
  const times = { im2col: [] as number[], direct: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const direct of [false, true]) {
      native.directConv(direct);
      fn();
      const t0 = performance.now();
      for (let i = 0; i < CALLS; i++) fn();
      times[direct ? 'direct' : 'im2col'].push((performance.now() - t0) / CALLS);
    }
  }
  native.directConv(true);
  return { im2col: median(times.im2col), direct: median(times.direct) };
}

for (const c of CONVS) {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
  const shape = convShapeOf(info);
  const x = random(c.x.reduce((a, b) => a * b));
  const w = random(c.filter.reduce((a, b) => a * b));
  const y = new Float32Array(BATCH * info.outHeight * info.outWidth * info.outChannels);
  const dy = random(y.length);
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  const passes: [string, () => void][] = [
    ['forward', () => native.conv2dForward(shape, x, w, null, 0, 0, y)],
    ['backprop input', () => native.conv2dBackpropInput(shape, dy, w, dx)],
    ['backprop filter', () => native.conv2dBackpropFilter(shape, x, dy, dw)],
  ];
  for (const [pass, fn] of passes) {
    const t = compare(fn);
    console.log(JSON.stringify({ conv: c.name, pass, im2colMs: +t.im2col.toFixed(2), directMs: +t.direct.toFixed(2), speedup: +(t.im2col / t.direct).toFixed(2), load: loadavg()[0].toFixed(2) }));
  }
}
