/**
 * The architecture's boundaries, checked by `npm run lint` (README: "Code map").
 * test/lint/architecture.test.ts runs these same rules against a fixture of bad imports,
 * so a rule that silently stopped matching would fail the suite.
 */
module.exports = {
  forbidden: [
    {
      name: 'src-never-imports-workers',
      comment: 'src/ is the API and what both processes share; the worker process (workers/) builds on it, never the other way round.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^workers/' },
    },
    {
      name: 'client-stands-alone',
      comment: 'client/ is published as its own package (@trainyard/client): it may import only itself and its own dependencies.',
      severity: 'error',
      from: { path: '^client/' },
      to: { pathNot: ['^client/', '(^|/)node_modules/openapi-fetch/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'cli-talks-through-the-client',
      comment: 'The CLI is an API client like any other: all its HTTP goes through the typed client, never into the service\'s code.',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: ['^src/', '^workers/'] },
    },
    {
      name: 'no-circular',
      comment: 'Modules that import each other cannot be read, tested or changed apart.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'routes-never-touch-prisma',
      comment: 'Routes parse, call a service and shape the answer; the database is behind repositories.',
      severity: 'error',
      from: { path: '^src/routes/' },
      to: { path: ['^src/generated/', '^src/db/prisma-client\\.ts$', '^node_modules/@prisma/', '^node_modules/\\.prisma/'] },
    },
    {
      name: 'prisma-client-only-in-repositories',
      comment: 'Only repositories (and the db and plugin wiring) use the generated client at run time; others may import its types.',
      severity: 'error',
      from: { path: '^(src|workers)/', pathNot: ['\\.repository\\.ts$', '^src/db/', '^src/plugins/app/prisma\\.ts$'] },
      to: { path: '^src/generated/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports is dead code, or an entry point that belongs in the allow-list below.',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: ['\\.d\\.ts$', '(^|/)\\.[^/]+\\.(c|m)?js$', '^src/(server|start)\\.ts$', '^src/admin/cli\\.ts$', '^src/startup/prepare-database\\.cli\\.ts$', '^workers/worker\\.ts$', '^cli/main\\.ts$', '^client/src/index\\.ts$', '\\.child\\.ts$', '^src/generated/'],
      },
      to: {},
    },
  ],
  options: {
    // The generated Prisma client is a target the rules look at, not code of ours to cruise.
    doNotFollow: { path: ['node_modules', '^src/generated/'] },
    exclude: { path: ['^src/engine/native/'] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
