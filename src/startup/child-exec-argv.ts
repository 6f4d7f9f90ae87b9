/** Flags whose value is code to run: a child given them would run that code instead of its entry file. */
const CODE_FLAGS = new Set(['--eval', '-e', '--print', '-p']);

/**
 * Node flags for forking one of our `.ts` child entries: the parent's own flags (memory
 * limits, conditions, tsx's loader when started by tsx), minus any `--eval`, plus tsx's
 * loader when the parent runs TypeScript some other way (vitest, a bundler's runner).
 */
export function childExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const flag = parent[i];
    if (CODE_FLAGS.has(flag)) {
      i++;
      continue;
    }
    if ([...CODE_FLAGS].some((f) => f.startsWith('--') && flag.startsWith(`${f}=`))) continue;
    out.push(flag);
  }
  return out.some((flag) => flag.includes('tsx')) ? out : [...out, '--import', 'tsx'];
}
