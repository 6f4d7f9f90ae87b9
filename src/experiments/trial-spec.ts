import { AppError } from '../errors/app-error.ts';
import { runSpecSchema, type RunSpec } from '../spec/run-spec.schema.ts';
import type { TrialValues } from './distribution.ts';
import type { SearcherConfig } from './experiment.schema.ts';
import { parseSpacePath, setAtPath } from './space-path.ts';

/**
 * The run spec of one trial: the base with each sampled value set at its path, parsed by the
 * same zod schema as POST /v1/runs. An ASHA trial trains towards maxEpochs (the driver pauses
 * it at each rung). A value the schema refuses is a 400 INVALID_SPACE naming the path.
 */
export function trialSpec(base: RunSpec, values: TrialValues, searcher: SearcherConfig, seed: number, index: number): RunSpec {
  let spec = structuredClone(base);
  for (const [path, value] of Object.entries(values)) spec = setAtPath(spec, path, parseSpacePath(path), value);
  if (searcher.type === 'asha') spec = { ...spec, fit: { ...spec.fit, epochs: searcher.maxEpochs } };
  // Each trial its own weight seed, derived from the experiment's: reproducible, not identical.
  spec = { ...spec, fit: { ...spec.fit, seed: spec.fit.seed ?? (seed + index * 7919) % 2 ** 31 } };
  const parsed = runSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.join('.');
    const culprit = Object.keys(values).find((p) => at.startsWith(p.replace(/\[(\d+)\]/g, '.$1'))) ?? at;
    throw new AppError('INVALID_SPACE', `space path ${culprit}: ${issue.message} (value ${JSON.stringify(values[culprit] ?? null)})`, { path: culprit, issues: parsed.error.issues });
  }
  return parsed.data;
}
