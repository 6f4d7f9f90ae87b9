import pino from 'pino';
import { loadConfig } from '../src/config/config.ts';
import { prepareDatabase } from '../src/db/prepare-database.ts';
import { checkServices } from '../src/startup/check-services.ts';
import { runMain } from '../src/startup/run-main.ts';
import { startWorker, type RunningWorker } from './worker-runtime.ts';

/**
 * `npm run worker`: takes training runs from the queue. Start as many as the hardware
 * allows; on a GPU server, one per GPU (see README).
 */
runMain('trainyard-worker', async () => {
  const config = loadConfig();
  const log = pino({ name: 'trainyard-worker', level: config.logLevel });
  await checkServices(config);
  await prepareDatabase(config.databaseUrl);
  let worker: RunningWorker | undefined;
  let stopping = false;
  /** Hands the runs in flight back to the queue (see RunningWorker.close), then exits. */
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: handing runs in flight back to the queue');
    await worker?.close();
    log.info('stopped');
    process.exit(0);
  };
  worker = await startWorker(config, log);
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
});
