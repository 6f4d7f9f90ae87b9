import pino from 'pino';
import { loadConfig } from '../src/config/config.ts';
import { prepareDatabase } from '../src/db/prepare-database.ts';
import { checkServices } from '../src/startup/check-services.ts';
import { runMain } from '../src/startup/run-main.ts';
import { startWorker } from './worker-runtime.ts';

/**
 * `npm run worker`: takes training runs from the queue. Start as many as the hardware
 * allows; on a GPU server, one per GPU (see README).
 */
runMain('trainyard-worker', async () => {
  const config = loadConfig();
  const log = pino({ name: 'trainyard-worker', level: config.logLevel });
  await checkServices(config);
  await prepareDatabase(config.databaseUrl);
  const worker = await startWorker(config, log);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await worker.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
});
