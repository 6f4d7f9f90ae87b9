/**
 * The tfjs backends a process can train or serve on, fastest first: the order `auto` tries
 * them in (select-backend.ts). Written once: config validation (TRAIN_BACKEND), the worker's
 * trainers and the API's compute child all read it from here.
 *
 * - `tfjs-node-gpu`: libtensorflow with CUDA, when the optional package installed;
 * - `webgpu`: tfjs-backend-webgpu on Dawn (npm `webgpu`) over Vulkan, on any current GPU driver;
 *   a software adapter (SwiftShader) only when asked for by name (webgpu-backend.ts);
 * - `tfjs-node`: libtensorflow on the CPU, likewise;
 * - `engine`: tfjs's cpu backend with our native kernels (src/engine), compiled at `npm ci`;
 * - `cpu`: tfjs's pure-JS kernels, the last resort.
 */
export const BACKENDS = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'engine', 'cpu'] as const;
export type Backend = (typeof BACKENDS)[number];

/** What TRAIN_BACKEND takes: one backend by name, or `auto` for the first that works. */
export const BACKEND_CHOICES = ['auto', ...BACKENDS] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
