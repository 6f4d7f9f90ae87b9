import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { childExecArgv } from '../src/startup/child-exec-argv.ts';

/**
 * `npm run bench:train [-- options]`: trains the reference CNN (bench/reference-cnn.ts) on
 * each backend and prints one JSON line per backend: samples/s of the last epoch, final
 * loss, train and test accuracy, peak RSS and live tensor count. Each backend runs in its
 * own process, one after the other, so their figures do not disturb each other.
 *
 * Options:
 *   --backends a,b     default engine,webgpu,tfjs-node,tfjs-node-gpu,wasm,cpu (an absent one prints an `error` line)
 *   --model NAME       reference (default) or bn: the reference CNN with batch norm (bench/reference-cnn.ts)
 *   --samples N        training samples, default 4096 (Fashion-MNIST when installed, else generated)
 *   --cpu-samples N    the pure-JS cpu backend trains at a few samples/s: default 128 samples for it
 *   --epochs N         default 2 (samples/s is the last epoch's: the first pays warm-up)
 *   --test-samples N   held-out images for the test accuracy, default 1000
 *   --steady           20 epochs (unless --epochs), one line per epoch: RSS and tensor count stay flat
 *   --verbose          pass a failed backend's stderr through
 */
const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'engine,webgpu,tfjs-node,tfjs-node-gpu,wasm,cpu' },
    model: { type: 'string', default: 'reference' },
    samples: { type: 'string', default: '4096' },
    'cpu-samples': { type: 'string', default: '128' },
    epochs: { type: 'string' },
    'test-samples': { type: 'string', default: '1000' },
    steady: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'train-one-backend.ts');
const epochs = values.epochs ?? (values.steady ? '20' : '2');

for (const backend of values.backends.split(',').map((b) => b.trim()).filter(Boolean)) {
  const samples = backend === 'cpu' ? values['cpu-samples'] : values.samples;
  await new Promise<void>((resolve) => {
    const child = fork(CHILD, [backend, samples, epochs, values['test-samples'], values.steady ? '1' : '0', values.model], {
      execArgv: childExecArgv(),
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    // tfjs prints advice on stderr (e.g. "install tfjs-node"); keep it off the JSON lines.
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0 && values.verbose) process.stderr.write(stderr);
      resolve();
    });
  });
}
