import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadNativeEngine } from '../../src/engine/native-engine.ts';
import { measureGemm } from './gemm-roofline.ts';
import { torchVersion, trainOurs, trainTwin, type OneModel } from './zoo-runs.ts';
import { ZOO_MODELS } from './zoo-models.ts';
import { describeProfile } from './kernel-profile.ts';

/**
 * `npm run bench:zoo`: samples/s of the engine issue's models and of every preset, each
 * trained through the worker's own code path in its own process, beside its PyTorch twin
 * (torch_twin.py, built from the same Keras topology, run by Debian's /usr/bin/python3 with
 * python3-torch) on the same machine in the same run, one after the other. Prints one table:
 * samples/s, the ratio, the geometric mean, and every kernel that fell back with its share of
 * step time; then the GEMM against a simple roofline, and RSS and live tensors per epoch of a
 * longer run.
 *
 * Environment: ZOO_SAMPLES (default 1024; the large presets take a quarter), ZOO_EPOCHS
 * (default 2: the first is warm-up), ZOO_MODELS (comma-separated names to run), ZOO_RSS_EPOCHS
 * (default 20; 0 skips), ZOO_BACKEND (default engine), ZOO_PYTHON (default /usr/bin/python3),
 * ZOO_PROFILE (steps, e.g. 20: fewer are noisy on a shared machine; unset or 0 skips: after training, profiles that many more steps
 * and prints per model its top 5 kernels by share of step time and the share outside kernels),
 * ZOO_DIRECT_CONV=0 (every convolution on im2col + GEMM, as before the direct path).
 */
const SAMPLES = Number(process.env.ZOO_SAMPLES ?? 1024);
const EPOCHS = Number(process.env.ZOO_EPOCHS ?? 2);
const BACKEND = process.env.ZOO_BACKEND ?? 'engine';
const PYTHON = process.env.ZOO_PYTHON ?? '/usr/bin/python3';
const RSS_EPOCHS = Number(process.env.ZOO_RSS_EPOCHS ?? 20);
const LARGE = new Set(['preset:alexnet', 'preset:vgg16']);
const ALL = [...ZOO_MODELS.map((m) => m.name), ...['linear', 'mlp', 'lenet5', 'alexnet', 'vgg16', 'resnet'].map((p) => `preset:${p}`)];
const WANTED = process.env.ZOO_MODELS ? process.env.ZOO_MODELS.split(',').map((s) => s.trim()) : ALL;

const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
const fallbackCell = (m: OneModel) =>
  (m.fallbacks ?? [])
    .filter((f) => f.share >= 0.001)
    .slice(0, 4)
    .map((f) => `${f.kernel} ${(f.share * 100).toFixed(1)} %`)
    .join(', ') || 'none ≥ 0.1 %';

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trainyard-zoo-'));
  const ratios: number[] = [];
  const profiles: string[] = [];
  console.log(`\nbench:zoo: ${BACKEND} vs PyTorch ${torchVersion(PYTHON)} on ${os.cpus().length} cores (${os.cpus()[0]?.model}), batch 64, ${EPOCHS} epochs (the first is warm-up), ${SAMPLES} samples (${SAMPLES / 4} for ${[...LARGE].join(', ')})\n`);
  console.log('| model | params | trainyard samples/s | PyTorch samples/s | ratio | fallback kernels (share of step time) |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const name of WANTED) {
    const samples = LARGE.has(name) ? SAMPLES / 4 : SAMPLES;
    const topology = path.join(dir, `${name.replace(':', '-')}.json`);
    const run = { samples, epochs: EPOCHS, backend: BACKEND, topology };
    const ours = await trainOurs(name, run);
    const twin = ours.error ? { error: 'not run' } : trainTwin(PYTHON, run);
    const ratio = ours.samplesPerSec && twin.samplesPerSec ? ours.samplesPerSec / twin.samplesPerSec : null;
    if (ratio) ratios.push(ratio);
    if (ours.profile) profiles.push(`${name}: ${describeProfile(ours.profile)}`);
    console.log(`| ${name} | ${ours.params ? fmt(ours.params) : '-'} | ${ours.samplesPerSec ? fmt(ours.samplesPerSec) : ours.error} | ${twin.samplesPerSec ? fmt(twin.samplesPerSec) : twin.error} | ${ratio ? `${ratio.toFixed(2)}×` : '-'} | ${ours.error ? '-' : fallbackCell(ours)} |`);
  }
  const geomean = ratios.length ? Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length) : NaN;
  console.log(`| **geometric mean** | | | | **${geomean.toFixed(2)}×** | |`);
  if (profiles.length) console.log(`\nTop kernels by share of step time (tf.profile, ${process.env.ZOO_PROFILE} steps after training; calls per step):\n${profiles.join('\n')}`);
  printRoofline();
  if (RSS_EPOCHS > 0) await printMemory(dir);
  rmSync(dir, { recursive: true, force: true });
}

function printRoofline() {
  const native = loadNativeEngine();
  if (!native.ok) return console.log(`\nGEMM: ${native.reason}`);
  const r = measureGemm(native.engine);
  console.log(`\nGEMM 768×768×768: ${r.gflops.toFixed(1)} GFLOP/s = ${((r.gflops / r.peakGflops) * 100).toFixed(0)} % of a ${r.peakGflops.toFixed(0)} GFLOP/s peak (${r.how})`);
}

async function printMemory(dir: string) {
  const run = await trainOurs('reference-cnn', { samples: 512, epochs: RSS_EPOCHS, backend: BACKEND, topology: path.join(dir, 'memory.json') });
  if (!run.epochs) return console.log(`\nmemory: ${run.error}`);
  const rss = run.epochs.map((e) => e.rssMb);
  const growth = ((rss[rss.length - 1] - rss[1]) / rss[1]) * 100;
  console.log(`\nreference-cnn, ${RSS_EPOCHS} epochs of 512 samples: RSS MB per epoch ${rss.join(' ')} (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} % from epoch 2); live tensors ${[...new Set(run.epochs.map((e) => e.numTensors))].join(', ')}`);
}

await main();
