import * as tf from '@tensorflow/tfjs';

/** The GPU a `webgpu` backend trains on, read from the WebGPU adapter (tfjs keeps only vendor and architecture). */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  /** On Vulkan, the driver's name and version, e.g. "SwiftShader driver 5.0.0". */
  description: string;
  /** A software adapter (SwiftShader): correct, but far slower than the CPU backends. */
  isFallbackAdapter: boolean;
}

export interface WebgpuOptions {
  /** Accept a software adapter; only when `webgpu` is asked for by name (CI over SwiftShader). */
  allowSoftware: boolean;
  /** Dawn's adapter filter (a substring of the adapter's name), to pin one GPU of several. */
  adapterName?: string;
  /** The module that gives Node WebGPU; default the npm package `webgpu` (Dawn). Tests point it at a broken one. */
  module?: string;
}

export type WebgpuLoad = { ok: true; adapter: AdapterInfo } | { ok: false; reason: string };

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: Partial<AdapterInfo>;
  isFallbackAdapter?: boolean;
}

// Names the software Vulkan drivers report; isFallbackAdapter alone is not set by every Dawn build.
const SOFTWARE = /swiftshader|llvmpipe|lavapipe/i;

/** Whether an adapter's name or description is a software Vulkan driver's. */
export function isSoftwareName(text: string): boolean {
  return SOFTWARE.test(text);
}

/**
 * Makes tfjs's `webgpu` backend the active one, on Dawn's Node bindings: `navigator.gpu` must
 * exist before `@tensorflow/tfjs-backend-webgpu` is imported (it registers itself only then),
 * and `setBackend` resolves false, rather than throwing, when no adapter is found. We ask for
 * the adapter ourselves first, so a machine without a GPU never imports the backend (whose
 * high priority would otherwise make it tfjs's default). Never throws: a missing binary or
 * driver comes back as the reason, like the engine's loadNativeEngine.
 */
export async function loadWebgpuBackend(options: WebgpuOptions): Promise<WebgpuLoad> {
  let dawn: DawnModule;
  try {
    dawn = (await (options.module ? import(options.module) : import('webgpu'))) as DawnModule;
  } catch (err) {
    return { ok: false, reason: `the webgpu package did not load: ${firstLine(err)}` };
  }
  try {
    const { gpu, installed } = installNavigatorGpu(dawn, options.adapterName);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch((err: unknown) => {
      // Dawn rejects when the adapter filter matches nothing; its message lists the adapters there are.
      throw new Error(options.adapterName ? `no adapter matching "${options.adapterName}": ${oneLine(err)}` : oneLine(err));
    });
    const refused = refusal(adapter, options);
    if (refused || !adapter) {
      // Only one this call made: an earlier one may be what a live webgpu backend runs on.
      if (installed) releaseNavigatorGpu();
      return { ok: false, reason: refused ?? 'no WebGPU adapter' };
    }
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: 'backend "webgpu" did not initialise' };
    await tf.ready();
    return { ok: true, adapter: adapterInfo(adapter) };
  } catch (err) {
    return { ok: false, reason: firstLine(err) };
  }
}

function refusal(adapter: AdapterLike | null, options: WebgpuOptions): string | null {
  if (!adapter) return 'no WebGPU adapter (no Vulkan driver, or none Dawn accepts; see README "Run on a GPU server")';
  const info = adapterInfo(adapter);
  if (info.isFallbackAdapter && !options.allowSoftware) {
    return `only a software adapter (${info.description || info.architecture}); set TRAIN_BACKEND=webgpu to use it anyway`;
  }
  return null;
}

/** What the adapter says about itself, with software drivers flagged even where Dawn does not. */
export function adapterInfo(adapter: AdapterLike): AdapterInfo {
  const info = adapter.info ?? {};
  const out: AdapterInfo = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
  };
  if (isSoftwareName(`${out.architecture} ${out.description}`)) out.isFallbackAdapter = true;
  return out;
}

/** For logs, GET /v1/workers and run records: "SwiftShader driver 5.0.0 (WebGPU, google/swiftshader, software)". */
export function describeAdapter(adapter: AdapterInfo): string {
  const name = adapter.description || adapter.device || adapter.vendor || 'unknown adapter';
  return `${name} (WebGPU, ${adapter.vendor || '?'}/${adapter.architecture || '?'}${adapter.isFallbackAdapter ? ', software' : ''})`;
}

// Node 21+ has a global `navigator` (without `gpu`); Node 20 has none.
function installNavigatorGpu(dawn: DawnModule, adapterName?: string): { gpu: GpuLike; installed: boolean } {
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  if (g.navigator?.gpu) return { gpu: g.navigator.gpu, installed: false };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(adapterName ? [`adapter=${adapterName}`] : []);
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return { gpu, installed: true };
}

// Dawn keeps the process alive while `navigator.gpu` is referenced: let go of an unused one.
function releaseNavigatorGpu(): void {
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  if (g.navigator?.gpu) Reflect.deleteProperty(g.navigator, 'gpu');
}

function oneLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}
