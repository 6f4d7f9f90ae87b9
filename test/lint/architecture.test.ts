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

/** The project's own dependency rules, run over `dir` as `npm run lint` runs them over the project. */
async function cruise(dir: string): Promise<Violation[]> {
  const bin = path.join(ROOT, 'node_modules/.bin/depcruise');
  const { stdout } = await run(bin, ['src', 'workers', '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 }).catch((err: { stdout: string }) => ({ stdout: err.stdout }));
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
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

  it('finds a database query outside a repository', () => {
    expect(findQueriesOutsideRepositories(FIXTURE)).toEqual([expect.stringMatching(/^src\/things\/things\.service\.ts:5: .*db\.thing\.findMany\(/)]);
  });
});
