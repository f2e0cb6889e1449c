/**
 * The gateway built as `buildApp` builds it, on an instance that also records every route
 * as registered (Fastify keeps no list of its own beyond printRoutes' text): for the tests
 * that walk every route, without a decorator in the deployed app.
 */
import {
  gatewayApp,
  gatewayServerOptions,
  routeNeedsPrincipal,
  type AppOptions,
} from '@clearance/gateway';
import Fastify, { type FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** Answers without a principal (outside /v1, or declared `public: true`). */
  public: boolean;
}

export async function buildRecordedApp(
  options: AppOptions,
): Promise<{ app: FastifyInstance; routes: readonly RegisteredRoute[] }> {
  const app = Fastify(gatewayServerOptions(options));
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, public: !routeNeedsPrincipal(route) });
  });
  await app.register(gatewayApp, options);
  await app.ready();
  return { app, routes };
}
