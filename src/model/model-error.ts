import { AppError } from '../errors/app-error.ts';
import type { LayerSpec } from '../spec/layer-spec.schema.ts';

/** INVALID_MODEL naming the layer by index, type and name, so a client can find it in its spec. */
export function layerError(index: number, spec: Pick<LayerSpec, 'type' | 'name'>, reason: string): AppError {
  const label = `layer ${index} (${spec.type}${spec.name ? ` "${spec.name}"` : ''})`;
  return new AppError('INVALID_MODEL', `${label}: ${reason}`, { layer: index, type: spec.type, ...(spec.name ? { name: spec.name } : {}), reason });
}

/** INVALID_MODEL about the model as a whole (its output, its size). */
export function modelError(reason: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('INVALID_MODEL', reason, { ...details, reason });
}

/** MODEL_TOO_LARGE: the model would exceed the parameter budget (MODEL_MAX_PARAMS). */
export function modelTooLarge(maxParams: number, details: Record<string, unknown> = {}): AppError {
  return new AppError('MODEL_TOO_LARGE', `the model would have more than ${maxParams.toLocaleString('en')} parameters, the limit (MODEL_MAX_PARAMS)`, {
    ...details,
    maxParams,
  });
}
