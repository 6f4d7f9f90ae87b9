import { spawn } from 'node:child_process';
import { atAddress, type CodeBlock } from './readme-blocks.ts';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, or until `until` holds for its stdout (then it is stopped). */
export function runCommand(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; until?: (stdout: string) => boolean }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (options.until?.(stdout)) child.kill();
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A reader's shell across the README's blocks: each block runs in `cwd` under `set -e`, with
 * the variables earlier blocks set (the names in `carried`) exported into it, as one terminal
 * would keep them; what it sets is read back for the next block.
 */
export async function runShellBlock(block: CodeBlock, shell: { cwd: string; env: NodeJS.ProcessEnv; baseUrl: string; vars: Record<string, string>; carried: string[] }): Promise<Ran> {
  const exported = Object.entries(shell.vars).map(([k, v]) => `${k}='${v}'`).join('\n');
  const report = shell.carried.map((name) => `${name}=\${${name}:-}`).join(' ');
  const script = `set -e\ncd '${shell.cwd}'\n${exported}\n${atAddress(block.code, shell.baseUrl)}\necho "__VARS__ ${report}"`;
  const ran = await runCommand('bash', ['-c', script], { cwd: shell.cwd, env: shell.env });
  const reported = ran.stdout.slice(ran.stdout.lastIndexOf('__VARS__'));
  for (const [, name, value] of reported.matchAll(/(\w+)=(\S+)/g)) if (shell.carried.includes(name)) shell.vars[name] = value;
  return ran;
}
