import { z } from 'zod';
import { BACKEND_CHOICES } from '../training/backends.ts';

/**
 * Every setting Trainyard reads, validated once at start. No other module reads
 * `process.env`: they receive the typed `AppConfig` instead.
 */
const envSchema = z.object({
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/trainyard'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  STORAGE_DIR: z.string().min(1).default('./data'),
  TRAIN_BACKEND: z.enum(BACKEND_CHOICES).default('auto'),
  /** The backend of the API's compute process (predict, evaluate, spec checks), chosen like the worker's. */
  COMPUTE_BACKEND: z.enum(BACKEND_CHOICES).default('auto'),
  /**
   * The webgpu backend's adapter, by a substring of its name (Dawn's adapter filter), e.g. "RTX 4090"
   * on a host with unlike GPUs; empty takes the high-performance one. Like GPUs are told apart per
   * worker with NVIDIA_VISIBLE_DEVICES instead (README "Run on a GPU server").
   */
  WEBGPU_ADAPTER: z.string().default(''),
  /**
   * The webgpu backend's adapter by its place among the host's usable adapters (0, 1, ...), for
   * one worker per GPU (`GPU_INDEX=1 npm run worker`); unset: WEBGPU_ADAPTER decides. Dawn selects
   * adapters by name, so the second of two like GPUs is refused: give each worker its own devices.
   */
  GPU_INDEX: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(1023).optional()),
  /** What `npm start` starts beside the API: `one` worker, or `per-adapter`, one per WebGPU adapter the host has (one if it has none). */
  START_WORKERS: z.enum(['one', 'per-adapter']).default('one'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Largest JSON body accepted, in bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** Largest single uploaded file, in bytes. */
  UPLOAD_LIMIT_BYTES: z.coerce.number().int().min(1024).default(512 * 1024 * 1024),
  /** Seconds an upload body may go without a byte arriving before it is refused (408) and its files removed. */
  UPLOAD_IDLE_TIMEOUT_S: z.coerce.number().min(0.1).default(30),
  /** Prefix of every Redis key and BullMQ queue, so several deployments (or tests) can share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('trainyard'),
  /** Comma-separated origins allowed by CORS; empty disables CORS. */
  CORS_ORIGINS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seconds without a heartbeat after which a worker is no longer listed. */
  WORKER_HEARTBEAT_TTL_S: z.coerce.number().int().min(2).default(30),
  /** Most bytes the entries of one uploaded image zip may expand to, all together (zip bomb guard). */
  ZIP_MAX_EXPANDED_BYTES: z.coerce.number().int().min(1024).default(2 * 1024 ** 3),
  /** Highest expanded/compressed ratio one zip entry may have; PNG and JPEG barely compress, bombs do ~1000:1. */
  ZIP_MAX_COMPRESSION_RATIO: z.coerce.number().min(1).default(100),
  /** Most entries (files and folders) one uploaded zip may hold. */
  ZIP_MAX_ENTRIES: z.coerce.number().int().min(1).default(200_000),
  /** Most bytes all files of one uploaded base model (POST /v1/models) may take; VGG16 is about 530 MB. */
  BASE_MODEL_MAX_BYTES: z.coerce.number().int().min(1024).default(1024 ** 3),
  /** A dead worker's run is taken over by another worker within about this long (BullMQ lock + stalled check). */
  WORKER_STALL_TIMEOUT_MS: z.coerce.number().int().min(3000).default(30_000),
  /** How many times a run may be taken over after its worker died before BullMQ gives up on the job (the reconciler re-adds it even then). */
  WORKER_MAX_STALLS: z.coerce.number().int().min(1).default(100),
  /** On SIGTERM, how long a worker waits for its runs to stop at a batch boundary before it kills their trainers. */
  WORKER_SHUTDOWN_GRACE_S: z.coerce.number().int().min(1).default(30),
  /**
   * Seconds an epoch may train since it began or since its last mid-epoch checkpoint before the
   * trainer writes a mid-epoch checkpoint (after the current batch), so a crash loses at most
   * about this much of a long epoch; 0 turns mid-epoch checkpoints off. Fractions allowed.
   */
  CHECKPOINT_INTERVAL_S: z.coerce.number().min(0).default(300),
  /**
   * At most this often (seconds) a training run announces its batches done in the current epoch
   * to live subscribers that asked for progress (never stored, no `seq`); 0: never. Fractions allowed.
   */
  BATCH_PROGRESS_INTERVAL_S: z.coerce.number().min(0).default(1),
  /** How often the API drives its experiments (creates, pauses, promotes trials from what PostgreSQL records); 0: off. Fractions allowed. */
  EXPERIMENT_DRIVER_INTERVAL_S: z.coerce.number().min(0).default(2),
  /** Seconds between reconciliations of PostgreSQL's queued/running runs with the queue (also run at worker start); 0 turns it off. */
  RECONCILE_INTERVAL_S: z.coerce.number().int().min(0).default(30),
  /** Seconds between WebSocket pings; a subscriber that has not answered the previous one is dropped. Below proxies' idle timeouts. */
  WS_PING_INTERVAL_S: z.coerce.number().int().min(1).default(25),
  /** Requests per minute each API key may make (all /v1 routes together); 0 turns rate limiting off. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Failed authentications per client address per minute; later ones answer 429 AUTH_RATE_LIMITED (valid keys still pass); 0 turns it off. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).default(60),
  /** Seconds between re-checks of open WebSocket streams' keys: a revoked key's streams close within about this long. Fractions allowed. */
  WS_KEY_RECHECK_S: z.coerce.number().min(0.1).default(1),
  /** Largest model a run may build, in parameters (VGG16 has 138M); larger specs answer 400 MODEL_TOO_LARGE. */
  MODEL_MAX_PARAMS: z.coerce.number().int().min(1).default(150_000_000),
  /** Most bytes one training batch's layer outputs may take (Float32, every layer, batchSize samples); larger specs answer 400 MODEL_TOO_LARGE. */
  MODEL_MAX_ACTIVATION_BYTES: z.coerce.number().int().min(1024 * 1024).default(8 * 1024 ** 3),
  /** The operator's bearer token for GET /metrics (Prometheus); empty: /metrics is off. Never a team key. */
  METRICS_TOKEN: z.union([z.literal(''), z.string().min(16, 'at least 16 characters (e.g. openssl rand -hex 24)')]).default(''),
  /** Seconds a client is told to wait (Retry-After) when a team quota refuses a request. */
  QUOTA_RETRY_AFTER_S: z.coerce.number().int().min(1).default(60),
});

export type AppConfig = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof envSchema>) {
  return {
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      uploadLimitBytes: env.UPLOAD_LIMIT_BYTES,
      uploadIdleTimeoutMs: env.UPLOAD_IDLE_TIMEOUT_S * 1000,
      corsOrigins: env.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
      wsPingIntervalS: env.WS_PING_INTERVAL_S,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      authFailuresPerMinute: env.AUTH_FAILURES_PER_MINUTE,
      wsKeyRecheckMs: env.WS_KEY_RECHECK_S * 1000,
    },
    compute: { backend: env.COMPUTE_BACKEND },
    metrics: { token: env.METRICS_TOKEN },
    limits: {
      modelMaxParams: env.MODEL_MAX_PARAMS,
      modelMaxActivationBytes: env.MODEL_MAX_ACTIVATION_BYTES,
      quotaRetryAfterS: env.QUOTA_RETRY_AFTER_S,
    },
    datasets: {
      zip: {
        maxExpandedBytes: env.ZIP_MAX_EXPANDED_BYTES,
        maxCompressionRatio: env.ZIP_MAX_COMPRESSION_RATIO,
        maxEntries: env.ZIP_MAX_ENTRIES,
      },
    },
    baseModels: { maxBytes: env.BASE_MODEL_MAX_BYTES },
    experiments: { driverIntervalS: env.EXPERIMENT_DRIVER_INTERVAL_S },
    storageDir: env.STORAGE_DIR,
    worker: {
      backend: env.TRAIN_BACKEND,
      webgpuAdapter: env.WEBGPU_ADAPTER,
      gpuIndex: env.GPU_INDEX,
      startWorkers: env.START_WORKERS,
      concurrency: env.WORKER_CONCURRENCY,
      heartbeatTtlS: env.WORKER_HEARTBEAT_TTL_S,
      stallTimeoutMs: env.WORKER_STALL_TIMEOUT_MS,
      maxStalls: env.WORKER_MAX_STALLS,
      shutdownGraceS: env.WORKER_SHUTDOWN_GRACE_S,
      reconcileIntervalS: env.RECONCILE_INTERVAL_S,
      checkpointIntervalS: env.CHECKPOINT_INTERVAL_S,
      batchProgressIntervalS: env.BATCH_PROGRESS_INTERVAL_S,
    },
    logLevel: env.LOG_LEVEL,
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment, naming every bad variable in one error. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`),
    );
  }
  if (parsed.data.GPU_INDEX !== undefined && parsed.data.WEBGPU_ADAPTER) {
    throw new ConfigError([`GPU_INDEX and WEBGPU_ADAPTER both choose the webgpu adapter: set one (got ${env.GPU_INDEX} and ${JSON.stringify(env.WEBGPU_ADAPTER)})`]);
  }
  return toConfig(parsed.data);
}
