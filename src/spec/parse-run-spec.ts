import { AppError } from '../errors/app-error.ts';
import { checkMonitors } from './dataset-checks.ts';
import { runSpecSchema, type RunSpec } from './run-spec.schema.ts';

/**
 * The one way into a run spec for code that does not get it through a route's schema (the
 * trainer reading a stored spec, experiments generating trials): the zod schema, then the
 * checks across fields that need no dataset. Throws AppError VALIDATION_FAILED naming the
 * path of the first problem, as the API's 400 does.
 */
export function parseRunSpec(input: unknown): RunSpec {
  const parsed = runSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('VALIDATION_FAILED', `invalid run spec: ${parsed.error.message}`, { path: issue?.path ?? [], issues: parsed.error.issues });
  }
  checkRunSpec(parsed.data);
  return parsed.data;
}

/** The checks across a parsed spec's fields that need no dataset (monitors a run reports). */
export function checkRunSpec(spec: RunSpec): void {
  checkMonitors(spec);
}
