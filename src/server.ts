import { buildApp } from './app.ts';
import { loadConfig } from './config/config.ts';
import { prepareDatabase } from './db/prepare-database.ts';
import { checkServices } from './startup/check-services.ts';
import { runMain } from './startup/run-main.ts';
import { ensureDashboardBuilt } from './dashboard/build-dashboard.ts';

/** `npm run api`: checks its services, applies migrations, listens, and drains on SIGTERM/SIGINT. */
runMain('trainyard-api', async () => {
  const config = loadConfig();
  await checkServices(config);
  await prepareDatabase(config.databaseUrl);
  const app = await buildApp({ config });
  // The API serves without its dashboard rather than not at all (an install without esbuild).
  await ensureDashboardBuilt((message) => app.log.info(message)).catch((err: unknown) => app.log.warn({ err }, 'the dashboard could not be built; / answers 503'));
  // Keep-alive longer than typical load balancers' idle timeout, so they close first.
  app.server.keepAliveTimeout = 65_000;
  app.server.requestTimeout = 10 * 60_000; // large uploads

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining requests and closing sockets');
    const forceExit = setTimeout(() => process.exit(1), 15_000).unref();
    await app.close();
    clearTimeout(forceExit);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ host: config.http.host, port: config.http.port });
});
