/**
 * The gateway as a plugin tree: infrastructure (errors, security, metrics, docs, ledger,
 * auth) → application services → routes. Building the app opens nothing by itself; the
 * caller hands in the ledger and the services, so tests can pass twins.
 */
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
} from 'fastify-type-provider-zod';
import * as fs from 'node:fs';
import type { Pool } from 'pg';
import type { TagKeys } from '@clearance/seal-devices/domain';
import type { AccountStore } from './auth/accounts';
import type { SessionStore } from './auth/sessions';
import type { Ledger } from './ledger/ledger';
import type { Notifications } from './notifications';
import type { LedgerDirectory } from './operations/runner';
import type { Operations } from './operations/submit';
import { ApiError, errorBody } from './errors';
import authPlugin, { API_PREFIX, routeNeedsPrincipal } from './plugins/auth';
import homeOrganisationPlugin from './plugins/home-organisation';
import errorsPlugin from './plugins/errors';
import ledgerPlugin from './plugins/ledger';
import {
  MAX_JSON_DEPTH,
  answerClientError,
  documentErrorResponses,
  givenRequestId,
  jsonDepthWithin,
  storableTextFirst,
} from './http/edge';
import { countPoisonEvents } from './projection/store';
import { gaugeFrom } from './metrics';
import metricsPlugin from './plugins/metrics';
import { ledgerDeviceDirectory } from './readings/directory';
import type { DeviceDirectory } from './readings/ingest';
import {
  SERVER_LIMITS,
  limitConnections,
  serverTimeoutOptions,
  type ServerLimits,
} from './limits/connections';
import authRoutes from './routes/auth';
import checkpointRoutes from './routes/checkpoints';
import crossingRoutes from './routes/crossings';
import declarationRoutes from './routes/declarations';
import eventRoutes from './routes/events';
import healthRoutes from './routes/health';
import operationRoutes from './routes/operations';
import readingRoutes from './routes/readings';
import sealRoutes from './routes/seals';
import selfCheckRoutes from './routes/self-checks';
import trustListRoutes from './routes/trust-list';
import type { ReadingsSink } from './anchoring/pipeline';
import { cachedTrustAnchors, signatureCheck, type SignatureVerifier } from './trust-anchors';

export const API_VERSION = '1.0.0';

/**
 * How long a browser keeps a file of the portal: a content-hashed one (`app-3F9A…C2.js`,
 * `chunks/…`, `styles-…css`: a new build gives new names) for a year without asking again;
 * anything else (index.html, which names them) is asked for again every time.
 */
export function portalCacheControl(file: string): string {
  return /-[A-Z0-9]{8}\.(js|css)(\.map|\.br|\.gz)?$/.test(file)
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
}

export interface RegisteredRoute {
  method: string;
  url: string;
  /** Answers without a principal (outside /v1, or declared `public: true`). */
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: readonly RegisteredRoute[];
  }
}

export interface AppOptions {
  /** The gateway's own ledger identity: reads, and acts of no particular officer. */
  ledger: Ledger;
  /** Without sessions nobody is signed in: every /v1 route but the public ones is 401. */
  sessions?: SessionStore;
  accounts?: AccountStore;
  /** PostgreSQL of the index and the readings; routes that need it exist only with it. */
  database?: Pool;
  /** The ledger as each account (officers act under their own identity). */
  ledgers?: LedgerDirectory;
  /** Accepting ledger acts (with the database): store, queue and waiter. */
  operations?: Operations;
  /** LISTEN/NOTIFY fan-out (with the database): the event stream. */
  notifications?: Notifications;
  /** Device keys and seals; by default read from the ledger. */
  deviceDirectory?: DeviceDirectory;
  /** Told what readings were stored (the anchoring queue and the seal monitor). */
  readingsSink?: ReadingsSink;
  /** NFC tag keys (meta key, master of the per-tag keys): with them, the checkpoint route. */
  tagKeys?: TagKeys;
  /** Extra readiness checks (Redis, ...) by name. */
  readiness?: Record<string, () => Promise<unknown>>;
  /** The portal's built files, served at / when present. */
  portalDir?: string;
  /** How signatures are verified (default: on the event loop; the server uses worker threads). */
  verifySignature?: SignatureVerifier;
  rateLimit?: { max: number; timeWindow: string | number };
  /** The bearer token /metrics answers to; without one /metrics is not served. */
  metricsToken?: string;
  /** The one organisation this gateway serves; unset: every organisation (one host). */
  organisation?: string;
  /** Request, header and keep-alive timeouts and connection limits (default SERVER_LIMITS). */
  serverLimits?: Partial<ServerLimits>;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const limits = { ...SERVER_LIMITS, ...options.serverLimits };
  const app = Fastify({
    ...serverTimeoutOptions(limits),
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    // A caller's X-Request-Id is kept only when it is a short token; otherwise a new one.
    requestIdHeader: false,
    genReqId: (request) => givenRequestId(request.headers['x-request-id']) ?? crypto.randomUUID(),
    // No stack traces or internals: the error handler answers with catalog codes.
    return503OnClosing: true,
    // Errors before routing (a malformed percent escape) and of the HTTP parser (bytes
    // that are not HTTP, headers too large) in the API's error shape too.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      void reply.status(400).send(errorBody('VALIDATION_FAILED', error.message));
    },
    clientErrorHandler: answerClientError,
  });
  limitConnections(app.server, limits);
  // Every route as registered, for the route-walk test (Fastify keeps no list of its own
  // beyond printRoutes' text).
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    documentErrorResponses(route);
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, public: !routeNeedsPrincipal(route) });
  });
  app.setValidatorCompiler(storableTextFirst);
  app.setSerializerCompiler(serializerCompiler);
  // The request id (given or made) goes back, so a caller can quote it. Nothing the API
  // answers may be kept by a browser or a proxy: sign-ins carry session tokens, the rest
  // is what a signed-in asker may see.
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (request.routeOptions.url?.startsWith(API_PREFIX) || request.principal)
      void reply.header('cache-control', 'no-store');
  });
  // The API speaks JSON only; anything else is 415 rather than a string body.
  app.removeContentTypeParser('text/plain');
  // JSON as Fastify parses it (prototype poisoning refused), after a depth check.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (!jsonDepthWithin(text, MAX_JSON_DEPTH))
      return done(
        new ApiError('VALIDATION_FAILED', `JSON may nest at most ${MAX_JSON_DEPTH} levels.`),
        undefined,
      );
    parseJson(request, text, done);
  });

  // Infrastructure
  await app.register(errorsPlugin);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Swagger UI inlines styles; the portal does not need more than this.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Served over plain HTTP on a workstation: do not make browsers ask for https.
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(rateLimit, {
    max: options.rateLimit?.max ?? 6000,
    timeWindow: options.rateLimit?.timeWindow ?? '1 minute',
    // The client's address: a header the client chooses cannot give it a fresh allowance.
    keyGenerator: (request) => request.ip,
    // Over the limit: the plugin's 429 error becomes RATE_LIMITED in the error handler.
  });
  await app.register(metricsPlugin, { ledger: options.ledger, token: options.metricsToken });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Clearance ledger gateway',
        description:
          'Guangdong–Hong Kong customs declarations, e-signatures and e-lock seals on a Hyperledger Fabric ledger.',
        version: API_VERSION,
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(ledgerPlugin, { ledger: options.ledger });
  await app.register(authPlugin, { sessions: options.sessions });
  if (options.organisation)
    await app.register(homeOrganisationPlugin, {
      organisation: options.organisation,
      takesReadings: options.readingsSink !== undefined,
    });

  // Routes
  const pool = options.database;
  const poisonEvents = pool && (() => countPoisonEvents(pool));
  await app.register(healthRoutes, {
    checks: {
      ...(options.database ? { postgres: () => options.database!.query('SELECT 1') } : {}),
      ...options.readiness,
    },
    degradations: poisonEvents
      ? {
          index: async () => {
            const n = await poisonEvents();
            return n === 0 ? undefined : `${n} ledger events could not be indexed (poison events)`;
          },
        }
      : {},
  });
  if (poisonEvents)
    gaugeFrom(
      'gateway_index_poison_events',
      'Ledger events the index could not project (recorded, skipped)',
      poisonEvents,
    );
  await app.register(selfCheckRoutes, { ledgers: options.ledgers });
  const checkSignature = signatureCheck(
    cachedTrustAnchors(options.ledger, options.notifications),
    options.verifySignature,
  );
  if (options.accounts && options.sessions)
    await app.register(authRoutes, {
      accounts: options.accounts,
      sessions: options.sessions,
      checkSignature,
    });
  if (options.database) {
    const pool = options.database;
    if (options.operations) {
      await app.register(declarationRoutes, {
        pool,
        operations: options.operations,
        checkSignature,
      });
      await app.register(operationRoutes, { store: options.operations.store });
      await app.register(trustListRoutes, { operations: options.operations });
    }
    if (options.notifications)
      await app.register(eventRoutes, { pool, notifications: options.notifications });
    const directory = options.deviceDirectory ?? ledgerDeviceDirectory(options.ledger);
    await app.register(readingRoutes, { pool, directory, sink: options.readingsSink });
    await app.register(sealRoutes, { pool });
    await app.register(crossingRoutes, { pool, ledgers: options.ledgers });
    if (options.tagKeys)
      await app.register(checkpointRoutes, {
        pool,
        keys: options.tagKeys,
        ledgers: options.ledgers,
      });
  }
  if (options.portalDir && fs.existsSync(options.portalDir)) {
    // Loaded only when there is a portal to serve (its dependencies are ES modules Jest cannot load).
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic, {
      root: options.portalDir,
      wildcard: false,
      // The build writes .br and .gz beside each file: sent as the browser accepts them.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, file) => void reply.header('cache-control', portalCacheControl(file)),
    });
    // The portal routes in the browser: its page answers every other GET outside the API
    // (the errors plugin's not-found handler still answers for /v1).
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      // The decoded path the router matched, so no spelling of /v1 gets the page.
      const path = (request.params as { '*': string })['*'];
      if (`/${path}/`.startsWith(API_PREFIX))
        throw new ApiError('NOT_FOUND', `No route ${request.method} /${path}.`);
      return reply.type('text/html').sendFile('index.html');
    });
  }
  await app.ready();
  return app;
}

export type { Committed, Ledger, Prepared, TransactionStatus } from './ledger/ledger';
export {
  connectGateway,
  createFabricLedger,
  createFabricLedgerFactory,
  fabricClientFor,
} from './ledger/fabric-ledger';
export type { FabricConnection, SigningIdentity } from './ledger/fabric-ledger';
export { createFabricClient, DEFAULT_TIMEOUTS } from './ledger/fabric-client';
export type {
  ChaincodeEvent,
  Checkpoint,
  CommitStatus,
  Contract,
  FabricClient,
  Gateway,
  Network,
  Proposal,
} from './ledger/fabric-client';
export {
  CommitError,
  EndorseError,
  LedgerUnavailableError,
  SubmitError,
} from './ledger/fabric-errors';
export { qsccLedgerReader } from './evidence/ledger-reader';
export { messageSigner } from './ledger/signer';
export { loadConfig, ConfigError } from './config';
export type { Config } from './config';
export { migrate, MIGRATIONS } from './database/migrations';
export { createIndexStore } from './projection/store';
export { startIndexer } from './projection/listener';
export { compareIndex, type Difference } from './projection/commands';
export { anchorPending, anchorSeal } from './anchoring/anchor';
export { ledgerDeviceDirectory } from './readings/directory';
export { ingestReadings } from './readings/ingest';
export { startAnchorWorker } from './anchoring/sweep';
export { startSealPipeline } from './anchoring/pipeline';
export type { SealPipeline, ReadingsSink } from './anchoring/pipeline';
export { createAccountStore } from './auth/accounts';
export { CHALLENGE_TTL_MS, SESSION_TTL_MS, createSessionStore } from './auth/sessions';
export type { SessionStore } from './auth/sessions';
export { newToken, sha256Hex } from './auth/secrets';
export type { OfficerPrincipal, Principal } from './auth/principal';
export { ApiError, LEDGER_TO_API } from './errors';
export { TRANSACTIONS } from './ledger/contract';
export { startGatewayServices } from './services';
