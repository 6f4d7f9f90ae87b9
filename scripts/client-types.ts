/**
 * The typed client's types are generated from `openapi.yaml` by openapi-typescript and
 * committed (client/src/api-types.generated.ts), so the client's folder is publishable and
 * readable without a build step. `npm run lint` runs this with `--check`: a spec change whose
 * regenerated types were not committed fails CI, and the typecheck then catches every caller
 * the change breaks. Usage: tsx scripts/client-types.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { COMMENT_HEADER, astToString } from 'openapi-typescript';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const SPEC = path.join(ROOT, 'openapi.yaml');
const OUT = path.join(ROOT, 'client/src/api-types.generated.ts');

/**
 * `NestedNumbers` refers to itself, which openapi-typescript writes as an interface member
 * naming itself (TS2502). A recursive type alias says the same and compiles, so the schema is
 * typed as that alias, declared after the generated code.
 */
const RECURSIVE = '#/components/schemas/NestedNumbers';
const RECURSIVE_ALIAS = '\n/** A finite number, or an array of NestedNumbers (the schema refers to itself). */\nexport type NestedNumbers = number | NestedNumbers[];\n';

async function generateClientTypes(): Promise<string> {
  const ast = await openapiTS(pathToFileURL(SPEC), {
    // A property with a default is still optional in what a client sends (`fit.batchSize`).
    defaultNonNullable: false,
    transform: (_schema, { path: at }) => (at === RECURSIVE ? ts.factory.createTypeReferenceNode('NestedNumbers') : undefined),
  });
  return COMMENT_HEADER + astToString(ast) + RECURSIVE_ALIAS;
}

async function main() {
  const generated = await generateClientTypes();
  if (!process.argv.includes('--check')) {
    writeFileSync(OUT, generated);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(OUT, 'utf8');
  } catch {
    // A missing file is a drift like any other.
  }
  if (committed !== generated) {
    console.error(`${path.relative(ROOT, OUT)} does not match openapi.yaml: run \`npm run client:types\` and commit the result`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
