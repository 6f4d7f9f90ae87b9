/**
 * Lint: Prisma queries live in `*.repository.ts` modules (STYLE: "Database behind
 * repositories"). dependency-cruiser sees imports, not calls, and the client is passed around
 * as a value, so this reads the code for calls on a Prisma model delegate (`db.run.findMany(`)
 * or raw SQL (`$queryRaw`) anywhere else. Transactions (`$transaction`) are opened by callers,
 * as they should be. Usage: tsx scripts/check-repositories.ts [root] (default: this project).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const METHODS = 'findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|findMany|create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy';
const ALLOWED = [/\.repository\.ts$/, /^src\/db\//, /^src\/generated\//];

function modelDelegates(root: string): string[] {
  const schema = readFileSync(path.join(root, 'prisma', 'schema.prisma'), 'utf8');
  return [...schema.matchAll(/^model\s+(\w+)/gm)].map(([, name]) => name[0].toLowerCase() + name.slice(1));
}

function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

export function findQueriesOutsideRepositories(root: string): string[] {
  const query = new RegExp(`\\.(?:${modelDelegates(root).join('|')})\\s*\\.\\s*(?:${METHODS})\\s*\\(|\\$(?:queryRaw|executeRaw)(?:Unsafe)?\\b`);
  const found: string[] = [];
  for (const file of ['src', 'workers'].flatMap((dir) => sourceFiles(root, dir))) {
    if (ALLOWED.some((re) => re.test(file))) continue;
    readFileSync(path.join(root, file), 'utf8').split('\n').forEach((line, i) => {
      if (query.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = findQueriesOutsideRepositories(path.resolve(process.argv[2] ?? '.'));
  for (const line of found) console.error(`database query outside a repository: ${line}`);
  if (found.length > 0) process.exitCode = 1;
  else console.log('✔ every database query is in a *.repository.ts module');
}
