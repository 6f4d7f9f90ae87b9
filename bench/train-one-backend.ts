import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../src/model/build-model.ts';
import { compileModel } from '../src/model/compile-model.ts';
import { DataLoader } from '../src/training/data-loader.ts';
import { selectBackend } from '../src/training/select-backend.ts';
import { trainLoop, type EpochResult } from '../src/training/train-loop.ts';
import type { Backend } from '../src/training/backends.ts';
import { loadBenchDataset, testAccuracy } from './bench-dataset.ts';
import { BENCH_MODELS, REFERENCE_BATCH_SIZE, REFERENCE_COMPILE } from './reference-cnn.ts';

/**
 * One backend's benchmark, in its own process (forked by train.bench.ts) so that peak RSS
 * is this backend's alone. Trains the reference CNN through the worker's own code path
 * (buildModel, compileModel, DataLoader, trainLoop) and prints JSON lines on stdout:
 * one per epoch with --steady, then one summary (or one `error` line).
 * Arguments: backend samples epochs testSamples steady(0|1) [model: reference (default) | bn].
 */
const [backend, samplesArg, epochsArg, testArg, steadyArg, modelArg = 'reference'] = process.argv.slice(2);
const samples = Number(samplesArg);
const epochs = Number(epochsArg);
const steady = steadyArg === '1';
const SEED = 42;

const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ backend, model: modelArg, ...line })}\n`);
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

try {
  const spec = BENCH_MODELS[modelArg];
  if (!spec) throw new Error(`unknown model ${modelArg}: one of ${Object.keys(BENCH_MODELS).join(', ')}`);
  const device = await loadBackend(backend);
  const data = await loadBenchDataset(samples, Number(testArg));
  const dataset = { inputShape: [28, 28, 1], targetShape: [1], numClasses: 10, task: 'classification' as const };
  const model = buildModel(spec, { ...dataset, loss: REFERENCE_COMPILE.loss, seed: SEED });
  const optimizer = compileModel(model, REFERENCE_COMPILE);
  const loader = new DataLoader(data.train, {
    numSamples: data.train.numSamples,
    inputShape: dataset.inputShape,
    targetShape: dataset.targetShape,
    encoding: { kind: 'oneHot', numClasses: 10 },
    batchSize: REFERENCE_BATCH_SIZE,
    validationSplit: 0,
    shuffle: true,
    seed: SEED,
  });
  const results: EpochResult[] = [];
  const tensorsPerEpoch: number[] = [];
  const rssPerEpoch: number[] = [];
  const outcome = await trainLoop({
    model,
    optimizer,
    loader,
    startEpoch: 1,
    totalEpochs: epochs,
    shouldStop: () => false,
    onEpochEnd: async (result) => {
      results.push(result);
      tensorsPerEpoch.push(tf.memory().numTensors);
      rssPerEpoch.push(rssMb());
      if (steady) {
        print({ epoch: result.epoch, loss: round(result.metrics.loss), samplesPerSec: Math.round(result.samplesPerSec), rssMb: rssMb(), numTensors: tf.memory().numTensors });
      }
    },
  });
  if (outcome.status !== 'completed') throw new Error(`training stopped: ${JSON.stringify(outcome)}`);

  const last = results[results.length - 1];
  print({
    device,
    dataset: data.source,
    samples: data.train.numSamples,
    epochs,
    samplesPerSec: Math.round(last.samplesPerSec),
    firstEpochSamplesPerSec: Math.round(results[0].samplesPerSec),
    loss: round(last.metrics.loss),
    trainAcc: round(last.metrics.acc),
    testAcc: round(await testAccuracy(model, data.test)),
    testSamples: data.test.numSamples,
    peakRssMb: peakRssMb(),
    numTensors: tf.memory().numTensors,
    ...(steady ? { rssMbFirstLast: [rssPerEpoch[0], rssPerEpoch[rssPerEpoch.length - 1]], tensorsFirstLast: [tensorsPerEpoch[0], tensorsPerEpoch[tensorsPerEpoch.length - 1]] } : {}),
  });
  model.dispose();
  optimizer.dispose();
} catch (err) {
  print({ error: String((err as Error).message ?? err).split('\n')[0] });
  process.exitCode = 1;
}

/** The worker's own selection for its backends; `wasm` is tfjs's WebAssembly backend, when installed. */
async function loadBackend(name: string): Promise<string> {
  if (name === 'wasm') {
    const pkg = '@tensorflow/tfjs-backend-wasm';
    await import(pkg).catch(() => {
      throw new Error(`${pkg} is not installed`);
    });
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
    return 'CPU (WebAssembly)';
  }
  const selected = await selectBackend(name as Backend);
  return selected.device;
}


function round(v: number | undefined): number | null {
  return v === undefined ? null : Math.round(v * 10000) / 10000;
}
