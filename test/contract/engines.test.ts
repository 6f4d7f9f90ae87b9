import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

/**
 * `npm ci` warns EBADENGINE for every installed package whose `engines.node` the running Node
 * does not satisfy (cookie@2, pulled in by light-my-request, wants Node 22). The lockfile says
 * what gets installed; a package absent from node_modules (another platform's binary) is skipped,
 * as npm skips it.
 */
describe('installed packages support this Node', () => {
  it('no package in the lockfile that npm ci installs asks for a newer Node (no EBADENGINE)', () => {
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };
    const unsupported = Object.entries(lock.packages)
      .filter(([where]) => where !== '' && existsSync(path.join(root, where)))
      .flatMap(([where, pkg]) => {
        const range = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
        return range && !semver.satisfies(process.version, range) ? [`${where}@${pkg.version} wants node ${range}`] : [];
      });
    expect(unsupported).toEqual([]);
  });
});
