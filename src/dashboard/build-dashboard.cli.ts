import { buildDashboard } from './build-dashboard.ts';

/**
 * `npm ci`'s postinstall and `npm run build:web`: bundles the dashboard into web/dist. Like the
 * engine build it never fails the install (an install without dev dependencies has no esbuild):
 * the API then answers 503 at `/`, naming the command that builds it.
 */
const started = Date.now();
try {
  await buildDashboard();
  process.stdout.write(`trainyard: dashboard built in ${Date.now() - started} ms\n`);
} catch (err) {
  process.stderr.write(`trainyard: the dashboard was not built (${err instanceof Error ? err.message : String(err)}); run \`npm run build:web\` once dev dependencies are installed.\n`);
}
