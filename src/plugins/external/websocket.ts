import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';

/** Close code a subscriber sees when the API shuts down: reconnect (to another instance) with `?since=`. */
export const GOING_AWAY_CLOSE_CODE = 1001;
const CLOSE_WAIT_MS = 3000;

export default fp(
  async (app) => {
    await app.register(websocket, {
      // On shutdown tell subscribers "going away" (the default sends no code) and wait for their
      // close handshakes, so the frames are out before the process exits; a peer that does not
      // answer within CLOSE_WAIT_MS is cut off.
      preClose(done) {
        const server = this.websocketServer;
        for (const client of server.clients) client.close(GOING_AWAY_CLOSE_CODE, 'server shutting down');
        const timer = setTimeout(() => server.clients.forEach((client) => client.terminate()), CLOSE_WAIT_MS);
        server.close(() => {
          clearTimeout(timer);
          done();
        });
      },
      options: {
        maxPayload: 64 * 1024,
        // Accept the `bearer.<key>` subprotocol browsers use for auth by echoing it back.
        handleProtocols: (protocols) => [...protocols][0] ?? false,
      },
    });
  },
  { name: 'websocket' },
);
