import { AppError } from '../errors/app-error.ts';

/** Most bytes a model.json may have: topology and manifest only (VGG16's is about 30 KB). */
export const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;

/** Bytes per value of each dtype a tfjs weights manifest may name (quantized weights by their stored dtype). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2, int8: 1, int16: 2 };

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

export interface ManifestGroup {
  /** File names, in order; their bytes concatenated hold the group's weights. */
  paths: string[];
  /** Bytes the group's files must add up to. */
  bytes: number;
}

export interface CheckedModelJson {
  /** `tfjs-layers`, or `keras` when tensorflowjs_converter made it from a Keras model. */
  format: 'tfjs-layers' | 'keras';
  groups: ManifestGroup[];
}

/**
 * Checks a model.json before any tfjs code sees it: it is JSON, a layers model (graph models
 * from SavedModels cannot be trained), and its weights manifest names plain file names
 * (PATH_TRAVERSAL otherwise) whose expected sizes follow from the weight shapes and dtypes.
 */
export function checkModelJson(text: string): CheckedModelJson {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(`model.json is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc) || !isObject(doc.modelTopology)) throw invalid('model.json has no modelTopology: it is not a TensorFlow.js model');
  if (doc.format === 'graph-model') {
    throw invalid('this is a TensorFlow.js graph model, which cannot be trained; convert the Keras model with tensorflowjs_converter --input_format keras (layers format)');
  }
  if (doc.format !== undefined && doc.format !== 'layers-model') throw invalid(`model.json has format ${JSON.stringify(doc.format)}, expected "layers-model"`);
  if (!Array.isArray(doc.weightsManifest)) throw invalid('model.json has no weightsManifest');

  const seen = new Set<string>();
  const groups = doc.weightsManifest.map((group: unknown, g: number): ManifestGroup => {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw invalid(`weightsManifest[${g}] needs paths and weights`);
    const paths = group.paths.map((p: unknown) => checkWeightPath(p));
    for (const p of paths) {
      if (seen.has(p)) throw invalid(`weightsManifest names ${JSON.stringify(p)} twice`);
      seen.add(p);
    }
    const bytes = (group.weights as unknown[]).reduce<number>((sum, w, i) => sum + weightBytes(w, `weightsManifest[${g}].weights[${i}]`), 0);
    return { paths, bytes };
  });
  const converted = typeof doc.convertedBy === 'string' && doc.convertedBy.length > 0;
  return { format: converted ? 'keras' : 'tfjs-layers', groups };
}

/** A manifest path must be a plain file name: no folders, no `..`, nothing absolute. */
function checkWeightPath(p: unknown): string {
  if (typeof p !== 'string' || p.length === 0 || p.length > 200) throw invalid('weightsManifest paths must be file names of 1 to 200 characters');
  if (p.includes('/') || p.includes('\\') || p === '.' || p === '..' || p.includes('\0') || /^[A-Za-z]:/.test(p)) {
    throw new AppError('PATH_TRAVERSAL', `weightsManifest path ${JSON.stringify(p.slice(0, 200))} is not a plain file name in the model's folder`, { path: p.slice(0, 200) });
  }
  return p;
}

function weightBytes(w: unknown, at: string): number {
  if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || typeof w.dtype !== 'string') throw invalid(`${at} needs name, shape and dtype`);
  const entry = w as unknown as WeightEntry;
  if (!entry.shape.every((d) => Number.isInteger(d) && d >= 0)) throw invalid(`${at} has a bad shape ${JSON.stringify(entry.shape)}`);
  const stored = entry.quantization?.dtype ?? entry.dtype;
  const per = DTYPE_BYTES[stored];
  if (per === undefined) throw invalid(`${at} has an unsupported dtype ${JSON.stringify(stored)}`);
  return entry.shape.reduce((a, b) => a * b, 1) * per;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const invalid = (message: string) => new AppError('INVALID_MODEL', message, { reason: message });
