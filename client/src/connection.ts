/** The constructor of a standard WebSocket: the browser's, Node 22's global one, or `ws`'s. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** Where the API is and how to reach it; what every helper of the client shares. */
export interface Connection {
  /** e.g. `http://127.0.0.1:3000`, without a trailing slash. */
  baseUrl: string;
  apiKey: string;
  fetch: typeof fetch;
  /** Needed for event streams only; defaults to `globalThis.WebSocket` where there is one. */
  webSocket?: WebSocketConstructor;
}

export const authHeader = (connection: Connection) => ({ authorization: `Bearer ${connection.apiKey}` });
