import { z } from 'zod';
import { kerasModelSpecSchema, type KerasModelSpec } from './keras-spec.schema.ts';
import { layersModelSpecSchema, type LayersModelSpec } from './layer-spec.schema.ts';
import { presetSpecSchema, type PresetSpec } from './preset-spec.schema.ts';

/** `model` of a run spec, in one of three forms. */
export type RunModelSpec = LayersModelSpec | KerasModelSpec | PresetSpec;

/**
 * `{ layers }`, `{ keras }` or `{ preset, ... }`. The form is chosen by its key and then
 * checked by that form's schema alone, so an error names the exact path
 * (`model.layers.2.units`) instead of a union of every form's complaints.
 */
export const modelSpecSchema = z.unknown().transform((value, ctx): RunModelSpec => {
  const form = value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  const schema = form && 'keras' in form ? kerasModelSpecSchema : form && 'preset' in form ? presetSpecSchema : form && 'layers' in form ? layersModelSpecSchema : null;
  if (!schema) {
    ctx.addIssue({ code: 'custom', message: 'model must be an object with "layers", "keras" or "preset"' });
    return z.NEVER;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message, path: issue.path as PropertyKey[] });
  return z.NEVER;
});

export const isKerasSpec = (spec: RunModelSpec): spec is KerasModelSpec => 'keras' in spec;
export const isPresetSpec = (spec: RunModelSpec): spec is PresetSpec => 'preset' in spec;
