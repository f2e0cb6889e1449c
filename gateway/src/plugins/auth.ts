/**
 * Who is asking: the session token from the `session` cookie (browsers) or
 * `Authorization: Bearer` (other systems). The decision is made per route, when the route is
 * registered: every route under /v1 gets a hook that needs a principal unless its config
 * says `public: true`. The request URL is never looked at, so no spelling of a path (percent
 * escapes, absolute-form targets) can reach a route without its hook; unknown paths match
 * no route and end in the not-found handler. A lane device reaches only the routes whose
 * config says `lane: true` (deciding, tapping, its lane's reads). What a principal may
 * touch is checked by the route.
 */
import type { FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { OfficerPrincipal, Principal, TraderPrincipal } from '../auth/principal';
import type { SessionStore } from '../auth/sessions';
import { ApiError } from '../errors';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    sessionToken: string | null;
  }
  interface FastifyContextConfig {
    public?: boolean;
    /** A lane device may call it (the route itself keeps it to its control point). */
    lane?: boolean;
  }
}

export const SESSION_COOKIE = 'session';

/** The session token from a Cookie header (the only cookie this API reads). */
export function sessionCookie(header: string | undefined): string | null {
  for (const part of header?.split(';') ?? []) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || null;
  }
  return null;
}

/** Set-Cookie for a session (HttpOnly, SameSite=Strict); an empty token clears it. */
export function sessionSetCookie(token: string, expires: Date, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Expires=${expires.toUTCString()}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null;
  return sessionCookie(request.headers.cookie);
}

/** The principal of a route that needs one (its hook ran): never null there. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError('UNAUTHENTICATED');
  return request.principal;
}

export function requireOfficer(request: FastifyRequest, roles?: string[]): OfficerPrincipal {
  const p = request.principal;
  if (p?.kind !== 'officer' || (roles && !roles.includes(p.role)))
    throw new ApiError(
      'FORBIDDEN',
      roles ? `needs an officer with role ${roles.join(' or ')}` : 'officers only',
    );
  return p;
}

/** E-lock operators (LogisticsMSP officers): seals and devices only, no declarations. */
export function isSealOperator(p: Principal | null | undefined): boolean {
  return p?.kind === 'officer' && p.mspId === 'LogisticsMSP';
}

/** A lane terminal's identity: it acts at one control point only. */
export function isLaneDevice(p: Principal | null | undefined): p is OfficerPrincipal {
  return p?.kind === 'officer' && p.role === 'lane-device';
}

/** The control point a lane device is at (none for anyone else, or a lane naming none). */
export const laneOf = (p: Principal | null | undefined): string | undefined =>
  isLaneDevice(p) ? (p.controlPoint ?? '') : undefined;

export function requireTrader(request: FastifyRequest): TraderPrincipal {
  const p = request.principal;
  if (p?.kind !== 'trader') throw new ApiError('FORBIDDEN', 'traders only');
  return p;
}

/** The API lives under /v1; health, metrics, docs and the portal's files are public. */
export const API_PREFIX = '/v1/';

/** Whether a registered route needs a principal (decided on the route, not on a URL). */
export function routeNeedsPrincipal(route: Pick<RouteOptions, 'url' | 'config'>): boolean {
  return route.url.startsWith(API_PREFIX) && route.config?.public !== true;
}

export default fp<{ sessions?: SessionStore | undefined }>(
  async (app, { sessions }) => {
    app.decorateRequest('principal', null);
    app.decorateRequest('sessionToken', null);
    const authenticate = async (request: FastifyRequest): Promise<void> => {
      const token = tokenOf(request);
      const principal = token && sessions ? await sessions.find(token) : undefined;
      if (!principal) throw new ApiError('UNAUTHENTICATED');
      request.principal = principal;
      request.sessionToken = token;
    };
    const notLane = async (request: FastifyRequest): Promise<void> => {
      if (isLaneDevice(request.principal))
        throw new ApiError('FORBIDDEN', 'a lane device decides, taps and reads its own lane only');
    };
    app.addHook('onRoute', (route) => {
      if (!routeNeedsPrincipal(route)) return;
      // After the route's own onRequest hooks (rate limits count anonymous attempts too).
      const own = route.onRequest === undefined ? [] : [route.onRequest].flat();
      route.onRequest = [...own, authenticate, ...(route.config?.lane === true ? [] : [notLane])];
    });
  },
  { name: 'auth' },
);
