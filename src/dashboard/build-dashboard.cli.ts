import { buildDashboard } from './build-dashboard.ts';

/** `npm ci`'s postinstall and `npm run build:web`: bundles the dashboard into web/dist. */
const started = Date.now();
await buildDashboard();
process.stdout.write(`trainyard: dashboard built in ${Date.now() - started} ms\n`);
