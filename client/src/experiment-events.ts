import createClient from 'openapi-fetch';
import { TrainyardApiError } from './api-error.ts';
import type { components, paths } from './api-types.generated.ts';
import { authHeader, type Connection } from './connection.ts';
import { eventStream, type RunEventsOptions } from './run-events.ts';

export type ExperimentEvent = components['schemas']['ExperimentEvent'];

/** Whether an event is the experiment's last: it completed or was canceled (a pause is not an end). */
export const isExperimentEnd = (event: ExperimentEvent) => event.type === 'status' && (event.status === 'completed' || event.status === 'canceled');

/**
 * One experiment's events (trials created, promoted, paused, completed; new best; status),
 * replayed from `since` then live, ending once the experiment completes or is canceled.
 */
export function experimentEvents(connection: Connection, experimentId: string, options: RunEventsOptions = {}): AsyncGenerator<ExperimentEvent> {
  const path = `/v1/experiments/${encodeURIComponent(experimentId)}/events`;
  return eventStream<ExperimentEvent>(connection, path, isExperimentEnd, () => handshakeError(connection, experimentId), options);
}

async function handshakeError(connection: Connection, experimentId: string): Promise<Error> {
  const api = createClient<paths>({ baseUrl: connection.baseUrl, headers: authHeader(connection), fetch: connection.fetch });
  try {
    const { error, response } = await api.GET('/v1/experiments/{id}/events', { params: { path: { id: experimentId } } });
    if (response.status !== 426) return TrainyardApiError.from(response, error);
  } catch (err) {
    return err as Error;
  }
  return new Error('the event stream could not be opened');
}
