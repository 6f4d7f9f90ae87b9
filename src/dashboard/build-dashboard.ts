import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DASHBOARD_DIST_DIR, DASHBOARD_INDEX, DASHBOARD_SOURCE_DIR } from './dashboard-files.ts';

/**
 * Bundles `web/src` into `web/dist`: one script and one stylesheet whose names carry a hash of
 * their content (so the API can cache them for a year), and an `index.html` naming them, written
 * last so a half-finished build is never served. Every byte is local: no CDN, no inline code,
 * which the dashboard's Content-Security-Policy forbids.
 */
async function bundleInto(outDir: string): Promise<void> {
  // esbuild is a build tool: imported only when a build runs, never by a serving API.
  const esbuild = await import('esbuild');
  const assets = path.join(outDir, 'assets');
  await mkdir(assets, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(DASHBOARD_SOURCE_DIR, 'main.ts'), style: path.join(DASHBOARD_SOURCE_DIR, 'styles.css') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    entryNames: '[name]-[hash]',
    outdir: assets,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const script = outputs.find((f) => f.startsWith('app-') && f.endsWith('.js'));
  const style = outputs.find((f) => f.startsWith('style-') && f.endsWith('.css'));
  if (!script || !style) throw new Error(`dashboard build wrote no app script or stylesheet: ${outputs.join(', ')}`);
  await writeFile(path.join(outDir, 'index.html'), indexHtml(script, style));
}

function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Trainyard</title>
<link rel="stylesheet" href="/assets/${style}">
<script type="module" src="/assets/${script}"></script>
</head>
<body><div id="app"></div></body>
</html>
`;
}

/**
 * Builds beside `web/dist` and renames into place, so a running API never serves a half-written
 * folder. `replace: false` keeps a build that appeared meanwhile (two processes racing to build
 * a missing dashboard both succeed; one of the identical builds is dropped).
 */
export async function buildDashboard({ replace = true } = {}): Promise<void> {
  const staging = path.join(path.dirname(DASHBOARD_DIST_DIR), `.dist-${randomUUID().slice(0, 8)}`);
  try {
    await bundleInto(staging);
    if (replace) await rm(DASHBOARD_DIST_DIR, { recursive: true, force: true });
    await rename(staging, DASHBOARD_DIST_DIR).catch((err: NodeJS.ErrnoException) => {
      if (replace || !existsSync(DASHBOARD_INDEX)) throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Whether a source under `web/src` changed after the build (a developer's edit); false where there are no sources. */
async function buildIsStale(): Promise<boolean> {
  const built = (await stat(DASHBOARD_INDEX)).mtimeMs;
  const files = await readdir(DASHBOARD_SOURCE_DIR, { recursive: true }).catch(() => [] as string[]);
  for (const file of files) if ((await stat(path.join(DASHBOARD_SOURCE_DIR, file))).mtimeMs > built) return true;
  return false;
}

/**
 * `npm start` / `npm run api` / the browser tests on a checkout where `npm ci` did not build
 * it, it was deleted, or its sources were edited since. A stale build that cannot be rebuilt
 * (an image without esbuild) is still served; two processes racing to rebuild may see one
 * rename fail, which is fine once a build is in place.
 */
export async function ensureDashboardBuilt(log: (message: string) => void): Promise<void> {
  const exists = existsSync(DASHBOARD_INDEX);
  if (exists && !(await buildIsStale())) return;
  const started = Date.now();
  try {
    await buildDashboard({ replace: exists });
    log(`dashboard built in ${Date.now() - started} ms`);
  } catch (err) {
    if (!existsSync(DASHBOARD_INDEX)) throw err;
    log(`the dashboard's sources changed since its build, which is served as it is: ${String(err)}`);
  }
}
