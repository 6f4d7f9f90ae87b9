/** Stable error codes and the HTTP status each one answers with. Clients may rely on the codes. */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  INVALID_MODEL: 400,
  /** The model is over the parameter budget (MODEL_MAX_PARAMS). */
  MODEL_TOO_LARGE: 400,
  INVALID_DATASET: 400,
  /** A validation, test or evaluation dataset whose input shape, target shape or classes differ from the run's training dataset. */
  DATASET_MISMATCH: 400,
  INVALID_UPLOAD: 400,
  UNSUPPORTED_FORMAT: 400,
  /** A zip entry's path is absolute or climbs out with `..`. */
  ZIP_PATH_TRAVERSAL: 400,
  /** A zip expands past ZIP_MAX_EXPANDED_BYTES, has an entry compressed beyond ZIP_MAX_COMPRESSION_RATIO, or too many entries; or a gzipped IDX part inflates beyond ZIP_MAX_COMPRESSION_RATIO. */
  ZIP_BOMB: 400,
  /** An image in an upload cannot be decoded (details name the file). */
  INVALID_IMAGE: 400,
  /** A file name in an upload (a model's weights manifest) is not a plain name inside its folder. */
  PATH_TRAVERSAL: 400,
  /** An experiment's search space can produce an invalid run spec (details name the path). */
  INVALID_SPACE: 400,
  /** An experiment asks for more concurrent trials than the team's queued-runs quota allows. */
  TRIALS_OVER_QUOTA: 400,
  DATASET_NOT_READY: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** A run status change its lifecycle does not allow (src/runs/run-state-machine.ts). */
  ILLEGAL_TRANSITION: 409,
  RUN_NOT_FINISHED: 409,
  NO_MODEL: 409,
  /** An upload body stopped arriving for UPLOAD_IDLE_TIMEOUT_S; the connection is closed. */
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UPGRADE_REQUIRED: 426,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** Too many failed authentications from one client address (AUTH_FAILURES_PER_MINUTE); `Retry-After` says when to try again. */
  AUTH_RATE_LIMITED: 429,
  /** A team limit (queued runs, stored bytes) set with the admin CLI is reached. */
  QUOTA_EXCEEDED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;
