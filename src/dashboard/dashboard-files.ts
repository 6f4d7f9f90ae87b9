import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The dashboard's TypeScript sources (browser code, bundled by esbuild, never run by Node). */
export const DASHBOARD_SOURCE_DIR = path.join(root, 'web', 'src');

/** What the build writes and the API serves: `index.html` plus content-hashed `assets/`. */
export const DASHBOARD_DIST_DIR = path.join(root, 'web', 'dist');

export const DASHBOARD_INDEX = path.join(DASHBOARD_DIST_DIR, 'index.html');
