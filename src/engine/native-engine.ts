import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The compiled half of the engine (src/engine/native/*.cc, built by `npm ci`'s postinstall
 * through build-native-engine.ts). Every function writes into arrays the caller allocated
 * and throws on a shape that does not match them.
 */
export interface NativeEngine {
  /** shape: ConvShape's 15 ints (see convShapeOf); act: ACTIVATION_CODES. */
  conv2dForward(shape: Int32Array, x: Float32Array, filter: Float32Array, bias: Float32Array | null, act: number, alpha: number, y: Float32Array): void;
  conv2dBackpropFilter(shape: Int32Array, x: Float32Array, dy: Float32Array, dw: Float32Array): void;
  conv2dBackpropInput(shape: Int32Array, dy: Float32Array, filter: Float32Array, dx: Float32Array): void;
  /** shape: PoolShape's 14 ints (see poolShapeOf). */
  maxPool(shape: Int32Array, x: Float32Array, y: Float32Array): void;
  maxPoolGrad(shape: Int32Array, x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  /** c[M×N] = act(op(a)·op(b) + bias), row-major. */
  matMul(
    transposeA: boolean,
    transposeB: boolean,
    M: number,
    N: number,
    K: number,
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    bias: Float32Array | null,
    act: number,
    alpha: number,
  ): void;
  /** avgPool(shape, x, y): shape as maxPool's. */
  avgPool(shape: Int32Array, x: Float32Array, y: Float32Array): void;
  avgPoolGrad(shape: Int32Array, dy: Float32Array, dx: Float32Array): void;
  /** out = a op b over `shape`, each operand read with per-dimension strides (0 where it broadcasts). */
  binaryStrided(op: number, shape: Int32Array, a: Float32Array, aStrides: Int32Array, b: Float32Array, bStrides: Int32Array, out: Float32Array): void;
  /** y[i] = x[i] * scale[i % channels] + shift[i % channels]. */
  channelAffine(x: Float32Array, scale: Float32Array, shift: Float32Array, channels: number, y: Float32Array): void;
  /** Row-wise over [rows, cols]: softmax, and the index of each row's first maximum. */
  softmaxRows(x: Float32Array, rows: number, cols: number, y: Float32Array): void;
  argMaxRows(x: Float32Array, rows: number, cols: number, out: Int32Array): void;
  /** y = min(max(x, lo), hi). */
  clip(n: number, x: Float32Array, lo: number, hi: number, y: Float32Array): void;
  /** out = a op b as 0/1 bytes (op: COMPARE_OPS' codes), operands read with strides. */
  compareStrided(op: number, shape: Int32Array, a: Float32Array, aStrides: Int32Array, b: Float32Array, bStrides: Int32Array, out: Uint8Array): void;
  select(n: number, cond: Uint8Array, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** Batch norm's backward pass over [rows, channels] in one read of x and dy (scale null: 1). */
  batchNormGrad(
    x: Float32Array,
    dy: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    scale: Float32Array | null,
    epsilon: number,
    channels: number,
    dx: Float32Array,
    dmean: Float32Array,
    dvar: Float32Array,
    dscale: Float32Array,
    doffset: Float32Array,
  ): void;
  /** One Adam step of one variable (optimizer-step.h), into new arrays. */
  adamStep(
    value: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
    newValue: Float32Array,
    newM: Float32Array,
    newV: Float32Array,
  ): void;
  /** One momentum (nesterov: 1) step of one variable, into new arrays. */
  momentumStep(value: Float32Array, grad: Float32Array, acc: Float32Array, learningRate: number, momentum: number, nesterov: number, newValue: Float32Array, newAcc: Float32Array): void;
  /** One SGD step of one variable, into a new array. */
  sgdStep(value: Float32Array, grad: Float32Array, learningRate: number, newValue: Float32Array): void;
  /** One RMSProp step of one variable; centered (CenteredRMSProp's) when mg and newMg are given. */
  rmspropStep(
    value: Float32Array,
    grad: Float32Array,
    ms: Float32Array,
    mom: Float32Array,
    mg: Float32Array | null,
    learningRate: number,
    decay: number,
    momentum: number,
    epsilon: number,
    newValue: Float32Array,
    newMs: Float32Array,
    newMom: Float32Array,
    newMg: Float32Array | null,
  ): void;
  /** One Adagrad step of one variable, into new arrays. */
  adagradStep(value: Float32Array, grad: Float32Array, acc: Float32Array, learningRate: number, epsilon: number, newValue: Float32Array, newAcc: Float32Array): void;
  /** One Adadelta step of one variable, into new arrays. */
  adadeltaStep(value: Float32Array, grad: Float32Array, accGrad: Float32Array, accUpdate: Float32Array, learningRate: number, rho: number, epsilon: number, newValue: Float32Array, newAccGrad: Float32Array, newAccUpdate: Float32Array): void;
  /** One Adamax step of one variable (stepSize: the learning rate with its decay and bias correction), into new arrays. */
  adamaxStep(value: Float32Array, grad: Float32Array, m: Float32Array, u: Float32Array, beta1: number, beta2: number, epsilon: number, stepSize: number, newValue: Float32Array, newM: Float32Array, newU: Float32Array): void;
  /** Per-channel mean and biased variance of x viewed as [rows, channels] (accumulated in double). */
  batchNormMoments(x: Float32Array, channels: number, mean: Float32Array, variance: Float32Array): void;
  /**
   * Training-mode batch norm's backward pass (mean and variance are x's own moments, so dx
   * flows through them too) in two reads of x and dy; dmeanOut/dvarOut: gradients reaching
   * the moments as outputs, or null.
   */
  batchNormTrainingGrad(
    x: Float32Array,
    dy: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    scale: Float32Array | null,
    epsilon: number,
    channels: number,
    dmeanOut: Float32Array | null,
    dvarOut: Float32Array | null,
    dx: Float32Array,
    dscale: Float32Array,
    doffset: Float32Array,
  ): void;
  /** y = x repeated reps[d] times along each dimension. */
  tile(x: Float32Array, inShape: Int32Array, reps: Int32Array, y: Float32Array): void;
  /** out[i] = a op b with op BINARY_OPS' codes; modes: BROADCAST (param: length for inner, repeat for outer). */
  binary(op: number, n: number, a: Float32Array, aMode: number, aParam: number, b: Float32Array, bMode: number, bParam: number, out: Float32Array): void;
  /** y = op(x) with op UNARY_OPS' codes (step: alpha for x <= 0). */
  unary(op: number, n: number, x: Float32Array, alpha: number, y: Float32Array): void;
  /** y[o, i] = Σ_r x[o, r, i] (with `max`, max_r) for x viewed as [outer, reduce, inner]. */
  sumMiddle(x: Float32Array, outer: number, reduce: number, inner: number, y: Float32Array, max?: boolean): void;
  /** The thread count (setting it first when given). */
  threads(n?: number): number;
  /** Whether narrow convolutions take the direct path (setting it first when given; false: im2col + GEMM for all, to compare the two). */
  directConv(on?: boolean): boolean;
  /** Vector instructions the build uses: avx512, avx2, avx or sse. */
  isa(): string;
}

const NATIVE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'native');
export const NATIVE_BUILD_DIR = path.join(NATIVE_DIR, 'build');
export const NATIVE_ADDON = path.join(NATIVE_BUILD_DIR, 'Release', 'trainyard_engine.node');
/** Written by the install-time build when compiling failed: its first line says why. */
export const NATIVE_BUILD_ERROR = path.join(NATIVE_BUILD_DIR, 'build-error.txt');
/** Written by a successful build: the CPU features it compiled for (-march=native). */
export const NATIVE_BUILD_CPU = path.join(NATIVE_BUILD_DIR, 'build-cpu-flags.txt');

/** The CPU's feature flags from /proc/cpuinfo (Linux); null where that file does not exist. */
export function cpuFlags(): Set<string> | null {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    return line ? new Set(line.slice(line.indexOf(':') + 1).trim().split(/\s+/)) : null;
  } catch {
    return null;
  }
}

export type NativeEngineLoad = { ok: true; engine: NativeEngine } | { ok: false; reason: string };

let loaded: NativeEngineLoad | null = null;

/** Loads the addon once; when it cannot load, says why (never throws). */
export function loadNativeEngine(addonPath = NATIVE_ADDON): NativeEngineLoad {
  if (addonPath === NATIVE_ADDON && loaded) return loaded;
  const result = tryLoad(addonPath);
  if (addonPath === NATIVE_ADDON) loaded = result;
  return result;
}

function tryLoad(addonPath: string): NativeEngineLoad {
  if (!existsSync(addonPath)) {
    const why = existsSync(NATIVE_BUILD_ERROR) ? readFileSync(NATIVE_BUILD_ERROR, 'utf8').split('\n')[0] : 'it was not built';
    return { ok: false, reason: `native engine not compiled (${why}); run \`npm run build:engine\` to see the compiler's output` };
  }
  // Built with -march=native: on a CPU lacking one of the build machine's features (an image
  // built elsewhere) it would die of SIGILL mid-training, so refuse it here instead.
  const missing = missingCpuFeatures(path.join(path.dirname(path.dirname(addonPath)), 'build-cpu-flags.txt'));
  if (missing.length) return { ok: false, reason: `native engine was compiled for another CPU (this one lacks ${missing.slice(0, 5).join(', ')}); run \`npm run build:engine\`` };
  try {
    const engine = createRequire(import.meta.url)(addonPath) as NativeEngine;
    if (typeof engine.conv2dForward !== 'function') return { ok: false, reason: `${addonPath} is not the engine addon` };
    return { ok: true, engine };
  } catch (err) {
    // A wrong Node ABI or a build from another CPU lands here, not in a crash.
    return { ok: false, reason: `native engine did not load: ${String((err as Error).message).split('\n')[0]}` };
  }
}

function missingCpuFeatures(flagsFile: string): string[] {
  const here = cpuFlags();
  if (!here || !existsSync(flagsFile)) return [];
  const built = readFileSync(flagsFile, 'utf8').trim().split(/\s+/).filter(Boolean);
  return built.filter((f) => !here.has(f));
}
