import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findQueriesOutsideRepositories } from '../../scripts/check-repositories.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = path.join(ROOT, 'test/lint/fixtures/bad-imports');
const run = promisify(execFile);

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** The project's own dependency rules, run over `dir` as `npm run lint` runs them over the project: dependency-cruiser's JSON. */
async function cruiseJson(dir: string): Promise<Cruised> {
  const bin = path.join(ROOT, 'node_modules/.bin/depcruise');
  const { stdout } = await run(bin, ['src', 'workers', '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 }).catch((err: { stdout: string }) => ({ stdout: err.stdout }));
  return JSON.parse(stdout) as Cruised;
}

const cruise = async (dir: string): Promise<Violation[]> => (await cruiseJson(dir)).summary.violations;

interface Cruised {
  summary: { violations: Violation[] };
  modules: { source: string; dependencies: { resolved: string }[] }[];
}

/** The folder a module belongs to, as the structure figures count them: `src/<folder>` or `workers/<folder>`. */
const folderOf = (file: string) => {
  const parts = file.split('/');
  return parts[0] === 'src' || parts[0] === 'workers' ? (parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]) : null;
};

/** Cycles between folders (dependency-cruiser's no-circular sees modules only): each as the folders on it. */
async function folderCycles(dir: string): Promise<string[][]> {
  const edges = new Map<string, Set<string>>();
  for (const m of (await cruiseJson(dir)).modules) {
    const from = folderOf(m.source);
    for (const d of m.dependencies) {
      const to = folderOf(d.resolved);
      if (from && to && from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
  }
  const cycles: string[][] = [];
  const walk = (node: string, trail: string[]) => {
    for (const next of edges.get(node) ?? []) {
      const at = trail.indexOf(next);
      if (at >= 0) cycles.push(trail.slice(at));
      else if (trail.length < 40) walk(next, [...trail, next]);
    }
  };
  for (const start of edges.keys()) walk(start, [start]);
  return cycles;
}

/**
 * The architecture rules of `npm run lint` must fail on the mistakes they exist for. The
 * fixture under fixtures/bad-imports makes each one once; if a rule stopped matching (a
 * renamed folder, a changed pattern), this fails instead of the lint passing in silence.
 */
describe('architecture lint', () => {
  it('passes on the project itself', async () => {
    expect(await cruise(ROOT)).toEqual([]);
    expect(findQueriesOutsideRepositories(ROOT)).toEqual([]);
  });

  it('fails on each deliberately bad import of the fixture, naming the rule', async () => {
    const found = (await cruise(FIXTURE)).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    expect(found).toEqual([
      'no-circular: src/cycle/a.ts -> src/cycle/b.ts',
      'no-orphans: src/orphan.ts -> src/orphan.ts',
      'prisma-client-only-in-repositories: src/routes/things/index.ts -> src/generated/prisma/client.ts',
      'prisma-client-only-in-repositories: src/things/things.service.ts -> src/generated/prisma/client.ts',
      'routes-never-touch-prisma: src/routes/things/index.ts -> src/generated/prisma/client.ts',
      'src-never-imports-workers: src/things/reaches-into-worker.ts -> workers/thing-worker.ts',
    ]);
  });

  it('has no cycle between the folders of src/ and workers/, and sees the fixture\'s', async () => {
    expect(await folderCycles(ROOT)).toEqual([]);
    expect((await folderCycles(FIXTURE)).map((c) => [...c].sort().join(' <-> '))).toContain('src/loop <-> src/ring');
  });

  it('finds a database query outside a repository', () => {
    expect(findQueriesOutsideRepositories(FIXTURE)).toEqual([expect.stringMatching(/^src\/things\/things\.service\.ts:5: .*db\.thing\.findMany\(/)]);
  });
});
