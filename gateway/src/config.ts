/**
 * Configuration, read once at start-up. Every missing or wrong setting is named, and the
 * process stops; nothing reads process.env at import time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { FabricConnection } from './ports/fabric-ledger';

const EnvSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A connection descriptor (JSON) naming the peer, TLS root, identity and channel. */
  FABRIC_CONNECTION: z.string().min(1, 'FABRIC_CONNECTION must name a connection file'),
  /** PostgreSQL for the index and the seal readings (routes needing it are off without it). */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
    .optional(),
  /** Redis of the operations queue (BullMQ); needed with DATABASE_URL. */
  REDIS_URL: z
    .string()
    .regex(/^redis:\/\//, 'a redis:// URL')
    .optional(),
  /** Redis key prefix of the queues: deployments (or tests) sharing a Redis stay apart. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/)
    .default('clearance'),
  /** Key encryption key of the officers' private keys: 64 hex digits; needed with DATABASE_URL. */
  IDENTITY_KEK: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, '64 hex digits')
    .optional(),
  /** The portal's built files (served at /). */
  PORTAL_DIR: z.string().min(1).optional(),
  /** Requests a principal may make a minute. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  /** Run the block-event indexer in this process (on) or leave it to `npm run index -- run` (off). */
  INDEXER: z.enum(['on', 'off']).default('on'),
  /**
   * Worker threads in each of the two signature pools (filings' CMS, readings' device
   * signatures); 0 checks them on the event loop. Default: cores - 1 (1..4).
   */
  SIGNATURE_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  /** A seal operator's connection: with it, the gateway anchors the readings it took in. */
  SEAL_OPERATOR_CONNECTION: z.string().min(1).optional(),
  /** The bearer token Prometheus sends for /metrics (16+ characters); without it no /metrics. */
  METRICS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~+/=-]{16,256}$/, '16-256 token characters')
    .optional(),
  /** NFC tag keys (AES-128, hex): the SDM meta key and the master the per-tag keys derive from. */
  TAG_META_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, '32 hex digits')
    .optional(),
  TAG_MASTER_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, '32 hex digits')
    .optional(),
  /**
   * The organisation this gateway belongs to (`gdcustoms`, `hkcustoms`, ...): officers of
   * another and traders filing for another customs service are sent to their own gateway.
   * Unset: one gateway for every organisation (the single-host devnet).
   */
  HOME_ORGANISATION: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'an organisation key (lower-case letters, digits, -)')
    .optional(),
});

const Endpoint = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port');

/** The connection descriptor format; the devnet writes one per organisation. */
export const ConnectionDescriptorSchema = z
  .object({
    mspId: z.string().regex(/^[A-Za-z0-9.-]+$/, 'MSP ids are letters, digits, "." and "-"'),
    peerEndpoint: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port'),
    peerHostAlias: z.string().min(1),
    tlsRootCertPath: z.string().min(1),
    certPath: z.string().min(1),
    keyPath: z.string().min(1),
    channel: z.string().regex(/^[a-z][a-z0-9.-]*$/),
    chaincode: z.string().min(1),
    /** Every peer that may endorse; without it the home peer alone endorses. */
    peers: z
      .array(
        z
          .object({
            mspId: z.string().regex(/^[A-Za-z0-9.-]+$/),
            endpoint: Endpoint,
            hostAlias: z.string().min(1),
            tlsRootCertPath: z.string().min(1),
          })
          .strict(),
      )
      .min(1)
      .optional(),
    /** The ordering service nodes, tried in turn. */
    orderers: z
      .array(
        z
          .object({
            endpoint: Endpoint,
            hostAlias: z.string().min(1),
            tlsRootCertPath: z.string().min(1),
          })
          .strict(),
      )
      .min(1)
      .optional(),
  })
  .strict();

export interface Config {
  host: string;
  port: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  fabric: FabricConnection;
  databaseUrl?: string;
  /** With databaseUrl: Redis and the key encryption key. */
  redisUrl?: string;
  identityKek?: Uint8Array;
  portalDir?: string;
  queuePrefix: string;
  rateLimitPerMinute: number;
  indexer: boolean;
  /** Worker threads for signature checks (0: on the event loop); unset: the default. */
  signatureThreads?: number;
  sealOperator?: FabricConnection;
  tagKeys?: { metaKey: Uint8Array; masterKey: Uint8Array };
  /** Bearer token of /metrics (unset: not served). */
  metricsToken?: string;
  /** The one organisation this gateway serves (unset: all of them). */
  organisation?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function issues(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${prefix}${i.path.join('.') || '(value)'}: ${i.message}`);
}

function readPem(file: string, label: string, problems: string[]): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes('-----BEGIN ')) problems.push(`${label} ${file} is not PEM`);
    return text;
  } catch {
    problems.push(`${label} ${file} cannot be read`);
    return '';
  }
}

/** Reads a connection file and the PEM files it names (paths relative to the file). */
function readConnection(variable: string, file: string): FabricConnection {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([
      `${variable}: ${file} is not a readable JSON file (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
  const descriptor = ConnectionDescriptorSchema.safeParse(raw);
  if (!descriptor.success) throw new ConfigError(issues(`${variable} ${file}: `, descriptor.error));
  const d = descriptor.data;
  const base = path.dirname(path.resolve(file));
  const resolve = (p: string): string => path.resolve(base, p);
  const problems: string[] = [];
  const connection: FabricConnection = {
    mspId: d.mspId,
    peerEndpoint: d.peerEndpoint,
    peerHostAlias: d.peerHostAlias,
    tlsRootCert: readPem(resolve(d.tlsRootCertPath), 'tlsRootCertPath', problems),
    certificate: readPem(resolve(d.certPath), 'certPath', problems),
    privateKey: readPem(resolve(d.keyPath), 'keyPath', problems),
    channel: d.channel,
    chaincode: d.chaincode,
    ...(d.peers
      ? {
          peers: d.peers.map((p, i) => ({
            mspId: p.mspId,
            endpoint: p.endpoint,
            hostAlias: p.hostAlias,
            tlsRootCert: readPem(
              resolve(p.tlsRootCertPath),
              `peers.${i}.tlsRootCertPath`,
              problems,
            ),
          })),
        }
      : {}),
    ...(d.orderers
      ? {
          orderers: d.orderers.map((o, i) => ({
            endpoint: o.endpoint,
            hostAlias: o.hostAlias,
            tlsRootCert: readPem(
              resolve(o.tlsRootCertPath),
              `orderers.${i}.tlsRootCertPath`,
              problems,
            ),
          })),
        }
      : {}),
  };
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${variable}: ${p}`));
  return connection;
}

const IndexEnvSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL is required'),
  FABRIC_CONNECTION: z.string().min(1).optional(),
});

/** What `npm run index` reads: the index's PostgreSQL, and the ledger for all but migrate. */
export interface IndexConfig {
  databaseUrl: string;
  fabric?: FabricConnection;
}

/**
 * The configuration of one index command: DATABASE_URL, and FABRIC_CONNECTION for every
 * command but `migrate`. Nothing else (no REDIS_URL, no IDENTITY_KEK: the index uses
 * neither), so the commands run where only the database and a connection file are at hand.
 */
export function loadIndexConfig(env: NodeJS.ProcessEnv, command: string | undefined): IndexConfig {
  const parsed = IndexEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(issues('', parsed.error));
  const { DATABASE_URL, FABRIC_CONNECTION } = parsed.data;
  if (command === 'migrate') return { databaseUrl: DATABASE_URL };
  if (!FABRIC_CONNECTION)
    throw new ConfigError([`FABRIC_CONNECTION: index ${command ?? ''} needs a connection file`]);
  return {
    databaseUrl: DATABASE_URL,
    fabric: readConnection('FABRIC_CONNECTION', FABRIC_CONNECTION),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsedEnv = EnvSchema.safeParse(env);
  if (!parsedEnv.success) throw new ConfigError(issues('', parsedEnv.error));
  const e = parsedEnv.data;
  if (e.DATABASE_URL && (!e.REDIS_URL || !e.IDENTITY_KEK))
    throw new ConfigError(['with DATABASE_URL, REDIS_URL and IDENTITY_KEK are needed too']);
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    fabric: readConnection('FABRIC_CONNECTION', e.FABRIC_CONNECTION),
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
    ...(e.IDENTITY_KEK ? { identityKek: Buffer.from(e.IDENTITY_KEK, 'hex') } : {}),
    ...(e.PORTAL_DIR ? { portalDir: e.PORTAL_DIR } : {}),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    queuePrefix: e.QUEUE_PREFIX,
    indexer: e.INDEXER === 'on',
    ...(e.SIGNATURE_THREADS !== undefined ? { signatureThreads: e.SIGNATURE_THREADS } : {}),
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    ...(e.HOME_ORGANISATION ? { organisation: e.HOME_ORGANISATION } : {}),
    ...(e.TAG_META_KEY && e.TAG_MASTER_KEY
      ? {
          tagKeys: {
            metaKey: Buffer.from(e.TAG_META_KEY, 'hex'),
            masterKey: Buffer.from(e.TAG_MASTER_KEY, 'hex'),
          },
        }
      : {}),
    ...(e.SEAL_OPERATOR_CONNECTION
      ? { sealOperator: readConnection('SEAL_OPERATOR_CONNECTION', e.SEAL_OPERATOR_CONNECTION) }
      : {}),
  };
}
