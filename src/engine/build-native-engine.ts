import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cpuFlags, NATIVE_ADDON, NATIVE_BUILD_CPU, NATIVE_BUILD_DIR, NATIVE_BUILD_ERROR } from './native-engine.ts';

/**
 * `npm ci`'s postinstall step (and `npm run build:engine`): compiles the engine's native
 * kernels with node-gyp from our own sources, against the running Node's headers, with no
 * download. It never fails the install: without a compiler the worker falls back to the
 * next backend, and the reason, kept in build/build-error.txt, is in its log.
 */
const NATIVE_DIR = path.dirname(NATIVE_BUILD_DIR);
const started = Date.now();

const failure = build();
if (failure) {
  mkdirSync(NATIVE_BUILD_DIR, { recursive: true });
  writeFileSync(NATIVE_BUILD_ERROR, `${failure.reason}\n\n${failure.output}`);
  process.stderr.write(`trainyard: the native training engine was not compiled (${failure.reason}); workers will train on the next backend.\n`);
} else {
  rmSync(NATIVE_BUILD_ERROR, { force: true });
  writeFileSync(NATIVE_BUILD_CPU, `${[...(cpuFlags() ?? [])].join(' ')}\n`);
  process.stdout.write(`trainyard: native training engine compiled in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function build(): { reason: string; output: string } | null {
  const nodeDir = path.dirname(path.dirname(process.execPath));
  // The headers of the Node that runs us, so node-gyp need not download them.
  const args = ['rebuild', ...(existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h')) ? [`--nodedir=${nodeDir}`] : [])];
  // npm's own node-gyp, beside the running Node; else the one npm puts on the PATH of scripts.
  const bundled = path.join(nodeDir, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const [cmd, cmdArgs] = existsSync(bundled) ? [process.execPath, [bundled, ...args]] : ['node-gyp', args];
  const result = spawnSync(cmd, cmdArgs, { cwd: NATIVE_DIR, encoding: 'utf8', timeout: 10 * 60_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error) return { reason: `node-gyp could not run: ${result.error.message}`, output };
  if (result.status !== 0) {
    const firstError = output.split('\n').find((l) => /error|not found|No such file/i.test(l) && !l.startsWith('gyp info'));
    return { reason: `node-gyp exited with ${result.status}${firstError ? `: ${firstError.trim()}` : ''}`, output };
  }
  if (!existsSync(NATIVE_ADDON)) return { reason: `node-gyp succeeded but ${NATIVE_ADDON} is missing`, output };
  return null;
}
