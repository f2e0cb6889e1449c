/**
 * The composition root: the gateway as a plugin tree, infrastructure (errors, security,
 * metrics, docs, ledger, auth) → the index's repositories → routes. Building the app opens
 * nothing by itself; the caller hands in the ledger and the services, so tests can pass
 * twins. `gatewayApp` is the tree as one plugin (for a Fastify instance of the caller's,
 * made with `gatewayServerOptions`), `buildApp` makes the instance and readies it. What
 * other packages use is exported by index.ts.
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
import fp from 'fastify-plugin';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
} from 'fastify-type-provider-zod';
import * as fs from 'node:fs';
import type { Pool } from 'pg';
import type { TagKeys } from '@clearance/domain/node';
import type { AccountStore } from './auth/accounts';
import type { SessionStore } from './auth/sessions';
import type { Ledger } from './ports/ledger';
import type { Notifications } from './notifications';
import type { LedgerDirectory } from './operations/runner';
import type { Operations } from './operations/submit';
import { ApiError, errorBody } from './errors';
import authPlugin, { API_PREFIX } from './plugins/auth';
import homeOrganisationPlugin from './plugins/home-organisation';
import errorsPlugin from './plugins/errors';
import ledgerPlugin from './plugins/ledger';
import repositoriesPlugin from './plugins/repositories';
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
import type { ReadingSignatureCheck } from './readings/signatures';
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
import commercialShareRoutes from './routes/commercial-shares';
import declarationRoutes from './routes/declarations';
import dualRoutes from './routes/dual-declarations';
import { createDualCommercialStore } from './dual/store';
import { filedJurisdictions } from './dual/jurisdictions';
import eventRoutes from './routes/events';
import evidenceRoutes, { type EvidenceOptions } from './routes/evidence';
import healthRoutes from './routes/health';
import livestockRoutes from './routes/livestock';
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
  /** Evidence bundles from this gateway's own peer: with them (and the database), the
   * evidence routes and capability links. */
  evidence?: EvidenceOptions;
  /** NFC tag keys (meta key, master of the per-tag keys): with them, the checkpoint route. */
  tagKeys?: TagKeys;
  /** Extra readiness checks (Redis, ...) by name. */
  readiness?: Record<string, () => Promise<unknown>>;
  /** The portal's built files, served at / when present. */
  portalDir?: string;
  /** How signatures are verified (default: on the event loop; the server uses worker threads). */
  verifySignature?: SignatureVerifier;
  /** How readings' device signatures are checked (default: libuv's pool; the server: threads). */
  checkReadingSignatures?: ReadingSignatureCheck;
  rateLimit?: { max: number; timeWindow: string | number };
  /** The bearer token /metrics answers to; without one /metrics is not served. */
  metricsToken?: string;
  /** The one organisation this gateway serves; unset: every organisation (one host). */
  organisation?: string;
  /** Request, header and keep-alive timeouts and connection limits (default SERVER_LIMITS). */
  serverLimits?: Partial<ServerLimits>;
  logger?: FastifyServerOptions['logger'];
}

/** The Fastify server options of the gateway: limits, request ids, framework errors. */
export function gatewayServerOptions(
  options: Pick<AppOptions, 'serverLimits' | 'logger'>,
): FastifyServerOptions {
  return {
    ...serverTimeoutOptions({ ...SERVER_LIMITS, ...options.serverLimits }),
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
  };
}

/** The gateway on an instance made with `gatewayServerOptions` (not encapsulated). */
export const gatewayApp = fp<AppOptions>(
  async (app, options) => {
    await registerGateway(app, options);
  },
  { name: 'gateway' },
);

/** Builds the gateway's Fastify instance from its parts and readies it. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify(gatewayServerOptions(options));
  await app.register(gatewayApp, options);
  await app.ready();
  return app;
}

async function registerGateway(app: FastifyInstance, options: AppOptions): Promise<void> {
  limitConnections(app.server, { ...SERVER_LIMITS, ...options.serverLimits });
  app.addHook('onRoute', documentErrorResponses);
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

  // The index's repositories, then routes
  const pool = options.database;
  if (pool) await app.register(repositoriesPlugin, { pool });
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
  await app.register(selfCheckRoutes, {
    ledgers: options.ledgers,
    operations: options.operations,
  });
  const checkSignature = signatureCheck(
    cachedTrustAnchors(options.ledger, options.notifications),
    options.verifySignature,
  );
  // Food animals: reads and writes on the ledger alone (no index table of their own).
  await app.register(livestockRoutes, {
    ledgers: options.ledgers,
    operations: options.operations,
  });
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
        operations: options.operations,
        checkSignature,
      });
      await app.register(commercialShareRoutes, { operations: options.operations });
      await app.register(dualRoutes, {
        operations: options.operations,
        checkSignature,
        values: createDualCommercialStore(pool),
        filesFor: filedJurisdictions(options.organisation),
      });
      await app.register(operationRoutes, { store: options.operations.store });
      await app.register(trustListRoutes, { operations: options.operations });
    }
    if (options.notifications)
      await app.register(eventRoutes, { notifications: options.notifications });
    const directory = options.deviceDirectory ?? ledgerDeviceDirectory(options.ledger);
    await app.register(readingRoutes, {
      pool,
      directory,
      sink: options.readingsSink,
      checkSignatures: options.checkReadingSignatures,
    });
    await app.register(sealRoutes);
    await app.register(crossingRoutes, {
      ledgers: options.ledgers,
      operations: options.operations,
    });
    if (options.evidence) await app.register(evidenceRoutes, { pool, evidence: options.evidence });
    if (options.tagKeys)
      await app.register(checkpointRoutes, {
        pool,
        keys: options.tagKeys,
        ledgers: options.ledgers,
        operations: options.operations,
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
    // The public verify page is a page of its own (no account; none of the portal's code).
    app.get('/verify', { schema: { hide: true } }, (_request, reply) =>
      reply.type('text/html').sendFile('verify.html'),
    );
    // The portal routes in the browser: its page answers every other GET outside the API
    // (the errors plugin's not-found handler still answers for /v1).
    app.get<{ Params: { '*': string } }>('/*', { schema: { hide: true } }, (request, reply) => {
      // The decoded path the router matched, so no spelling of /v1 gets the page.
      const path = request.params['*'];
      if (`/${path}/`.startsWith(API_PREFIX))
        throw new ApiError('NOT_FOUND', `No route ${request.method} /${path}.`);
      return reply.type('text/html').sendFile('index.html');
    });
  }
}
