import type { RunsDeps } from '../runs/runs.service.ts';
import type { SubmitDeps } from '../runs/submit-run.ts';

/** What the experiment driver uses: the run use cases, exactly as the routes call them. */
export type DriverDeps = RunsDeps & SubmitDeps;
