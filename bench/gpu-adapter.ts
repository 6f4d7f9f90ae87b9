import * as tf from '@tensorflow/tfjs';
import { describeAdapter, loadWebgpuBackend } from '../src/training/webgpu-backend.ts';

/**
 * The adapter the webgpu backend gets here, as one JSON line; exits 1 when there is none, or
 * when it is a software one (SwiftShader) unless `--allow-software` (to try the check without a GPU).
 * `kernelsMissing`: the cpu backend's kernels webgpu does not register (a model using one fails
 * on webgpu naming it; none of them is used by the layers a run spec allows, as the webgpu tests
 * show). Used by bench/gpu-check.sh.
 */
const allowSoftware = process.argv.includes('--allow-software');
const loaded = await loadWebgpuBackend({ allowSoftware, adapterName: process.env.WEBGPU_ADAPTER || undefined });
if (loaded.ok) {
  const has = new Set(tf.getKernelsForBackend('webgpu').map((k) => k.kernelName));
  const kernelsMissing = tf.getKernelsForBackend('cpu').map((k) => k.kernelName).filter((name) => !has.has(name)).sort();
  process.stdout.write(`${JSON.stringify({ ok: true, ...loaded.adapter, summary: describeAdapter(loaded.adapter), kernelsMissing })}\n`);
} else {
  process.stdout.write(`${JSON.stringify({ ok: false, reason: loaded.reason })}\n`);
  process.exitCode = 1;
}
// Dawn keeps the process alive while its GPU object lives.
process.exit();
