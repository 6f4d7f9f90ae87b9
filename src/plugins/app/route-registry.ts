import fp from 'fastify-plugin';

export interface RegisteredRoute {
  method: string;
  url: string;
  websocket: boolean;
  /** The route's declared answers by status (zod schemas): what its handler's output is checked against. */
  responses: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app registered; the test that keeps openapi.yaml honest reads it. */
    registeredRoutes: RegisteredRoute[];
  }
}

/** Must be registered before any route so its onRoute hook sees them all. */
export default fp(
  async (app) => {
    const routes: RegisteredRoute[] = [];
    app.decorate('registeredRoutes', routes);
    app.addHook('onRoute', (route) => {
      if (route.schema?.hide) return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'HEAD') continue;
        // @fastify/websocket routes: `websocket: true`, or a `wsHandler` beside a plain `handler`.
        const ws = route as { websocket?: boolean; wsHandler?: unknown };
        routes.push({ method, url: route.url, websocket: Boolean(ws.websocket || ws.wsHandler), responses: (route.schema?.response as Record<string, unknown> | undefined) ?? {} });
      }
    });
  },
  { name: 'route-registry' },
);
