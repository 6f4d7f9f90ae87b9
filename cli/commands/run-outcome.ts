/**
 * The exit status a followed run ends with, so scripts and CI can branch on the outcome:
 * 0 completed; 2 failed; 3 canceled (1 stays the CLI's own errors, as for every command).
 */
export const RUN_EXIT_CODES: Record<string, number> = { completed: 0, failed: 2, canceled: 3 };
