/**
 * The gateway's own servers for local runs and tests: a private PostgreSQL cluster and a
 * redis-server under the devnet folder, from Debian's packages, tracked by pid like the
 * Fabric processes (so `devnet down` stops them too). Given DATABASE_URL / REDIS_URL are
 * used as they are instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DevnetError } from './errors';
import { commandExists, run } from './exec';
import type { DevnetPaths } from './paths';
import { ensureRunning } from './processes';

export const POSTGRES = {
  host: '127.0.0.1',
  port: 55432,
  user: 'clearance',
  database: 'clearance',
} as const;
export const REDIS = { host: '127.0.0.1', port: 56379 } as const;

export interface ServiceUrls {
  databaseUrl: string;
  redisUrl: string;
  /** The servers this call started (to stop them again: Devnet.stop). */
  started: string[];
}

function pgBin(env: NodeJS.ProcessEnv): string {
  return env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
}

/** PostgreSQL refuses to run as root: as root, run its programs as the postgres user. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', command, ...args]];
}

async function ensurePostgres(
  paths: DevnetPaths,
  env: NodeJS.ProcessEnv,
  started: string[],
): Promise<string> {
  const bin = pgBin(env);
  if (!fs.existsSync(path.join(bin, 'postgres'))) {
    throw new DevnetError(
      'DEPENDENCY_MISSING',
      `PostgreSQL is not installed (no ${bin}/postgres)`,
      'apt-get install postgresql-15, set PG_BIN to its bin folder, or give DATABASE_URL',
    );
  }
  const root = path.join(paths.root, 'postgres');
  const data = path.join(root, 'data');
  if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
    // The postgres user must be able to pass through the devnet folder (traverse only).
    fs.mkdirSync(root, { recursive: true });
    fs.chmodSync(paths.root, 0o711);
    fs.mkdirSync(data, { recursive: true, mode: 0o700 });
    if (process.getuid?.() === 0) await run('chown', ['-R', 'postgres:postgres', root]);
    const [initdb, initArgs] = asPostgres(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      POSTGRES.user,
      '--auth=trust',
      '--encoding=UTF8',
      '--no-locale',
    ]);
    await run(initdb, initArgs, { timeoutMs: 120_000 });
  }
  const [command, args] = asPostgres(path.join(bin, 'postgres'), [
    '-D',
    data,
    '-h',
    POSTGRES.host,
    '-p',
    String(POSTGRES.port),
    '-k',
    root,
  ]);
  const startedPostgres = await ensureRunning(paths, {
    name: 'postgres',
    command,
    args,
    env: {},
    ports: [{ label: 'PostgreSQL', host: POSTGRES.host, port: POSTGRES.port }],
    health: [{ kind: 'tcp', host: POSTGRES.host, port: POSTGRES.port }],
  });
  if (startedPostgres !== undefined) started.push('postgres');
  const psql = (sql: string, database = 'postgres') =>
    run(path.join(bin, 'psql'), [
      '-h',
      POSTGRES.host,
      '-p',
      String(POSTGRES.port),
      '-U',
      POSTGRES.user,
      '-d',
      database,
      '-tAc',
      sql,
    ]);
  // Accepting TCP is not yet accepting queries: wait for the first answer.
  for (let attempt = 0; ; attempt++) {
    try {
      const { stdout } = await psql(
        `SELECT 1 FROM pg_database WHERE datname = '${POSTGRES.database}'`,
      );
      if (stdout.trim() !== '1') await psql(`CREATE DATABASE ${POSTGRES.database}`);
      break;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${POSTGRES.database}`;
}

async function ensureRedis(paths: DevnetPaths, started: string[]): Promise<string> {
  if (!(await commandExists('redis-server'))) {
    throw new DevnetError(
      'DEPENDENCY_MISSING',
      'redis-server is not installed',
      'apt-get install redis-server, or give REDIS_URL',
    );
  }
  const dir = path.join(paths.root, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const startedRedis = await ensureRunning(paths, {
    name: 'redis',
    command: 'redis-server',
    // Append-only file, fsync every second: queued jobs survive a Redis restart.
    args: [
      '--bind',
      REDIS.host,
      '--port',
      String(REDIS.port),
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
    ],
    env: {},
    ports: [{ label: 'Redis', host: REDIS.host, port: REDIS.port }],
    health: [{ kind: 'tcp', host: REDIS.host, port: REDIS.port }],
  });
  if (startedRedis !== undefined) started.push('redis');
  return `redis://${REDIS.host}:${REDIS.port}`;
}

/** URLs of the gateway's servers: the given ones, or private ones started here. */
export async function ensureServices(
  paths: DevnetPaths,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServiceUrls> {
  const started: string[] = [];
  return {
    databaseUrl: env.DATABASE_URL ?? (await ensurePostgres(paths, env, started)),
    redisUrl: env.REDIS_URL ?? (await ensureRedis(paths, started)),
    started,
  };
}
