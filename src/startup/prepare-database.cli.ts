import { loadConfig } from '../config/config.ts';
import { prepareDatabase } from '../db/prepare-database.ts';

/** `npm run db:prepare`: create the database if missing and apply migrations. */
const config = loadConfig();
await prepareDatabase(config.databaseUrl);
console.log('database ready');
