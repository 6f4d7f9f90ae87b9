import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';

export default fp(
  async (app) => {
    await app.register(websocket, {
      options: {
        maxPayload: 64 * 1024,
        // Accept the `bearer.<key>` subprotocol browsers use for auth by echoing it back.
        handleProtocols: (protocols) => [...protocols][0] ?? false,
      },
    });
  },
  { name: 'websocket' },
);
