import type { components } from './api-types.generated.ts';

type ErrorEnvelope = components['schemas']['Error'];

/**
 * Every error the API answers, as one type: the envelope's stable `code` (what callers branch
 * on), its `message` and `details`, and the HTTP status. Answers that are not the envelope
 * (a proxy's HTML 502) keep their status and get the code `HTTP_<status>`.
 */
export class TrainyardApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'TrainyardApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The error a failed answer stands for, from its parsed body (or none). */
  static from(response: Response, body: unknown): TrainyardApiError {
    const envelope = (body as Partial<ErrorEnvelope> | undefined)?.error;
    if (envelope && typeof envelope.code === 'string') {
      return new TrainyardApiError(response.status, envelope.code, envelope.message ?? '', envelope.details);
    }
    return new TrainyardApiError(response.status, `HTTP_${response.status}`, response.statusText || `HTTP ${response.status}`);
  }
}
