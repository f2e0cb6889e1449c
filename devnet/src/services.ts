/**
 * The gateway's own servers for local runs and tests: a private PostgreSQL cluster and a
 * redis-server under the devnet folder, from Debian's packages, tracked by pid like the
 * Fabric processes (so `devnet down` stops them too). Given DATABASE_URL / REDIS_URL are
 * used as they are instead.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
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

/**
 * Across hosts: the servers run on one host's loopback, reached only from that host. `via`
 * is the command prefix that enters it (nsenter); `host` names it in pid files and logs.
 */
export interface OnHost {
  host: string;
  via: string[];
}

/** `command args` run through `via` (on another host), or as it is. */
function wrapped(via: string[] | undefined, command: string, args: string[]): [string, string[]] {
  if (!via || via.length === 0) return [command, args];
  return [via[0] as string, [...via.slice(1), command, ...args]];
}

export interface ServiceUrls {
  databaseUrl: string;
  redisUrl: string;
  /** The servers this call started (to stop them again: Devnet.stop). */
  started: string[];
}

function pgBin(env: NodeJS.ProcessEnv): string {
  return env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
}

const runsAsRoot = (): boolean => process.getuid?.() === 0;

/** The home folder of a system user, from the passwd database; undefined if no such user. */
export function userHome(user: string, passwd = '/etc/passwd'): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(passwd, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === user && fields.length >= 7) return fields[5];
  }
  return undefined;
}

/**
 * Where the private cluster keeps its data and socket. Run by another user (root runs it as
 * `postgres`), it must not live in the checkout: every folder above the checkout would have
 * to let that user through, and a clone in a private folder (root's home, mktemp -d) does
 * not. So it lives in the postgres user's home, named after the checkout so that two
 * checkouts never share one; run as oneself, it stays under the devnet folder.
 */
export function postgresRoot(
  paths: DevnetPaths,
  asRoot = runsAsRoot(),
  postgresHome = userHome('postgres'),
): string {
  if (!asRoot) return path.join(paths.root, 'postgres');
  const checkout = path.basename(path.dirname(paths.root)).replace(/[^A-Za-z0-9._-]/g, '_');
  const id = createHash('sha256').update(paths.root).digest('hex').slice(0, 12);
  const home = postgresHome && fs.existsSync(postgresHome) ? postgresHome : os.tmpdir();
  return path.join(home, 'clearance-ledger', `${checkout}-${id}`);
}

/** In the devnet's folder: the PostgreSQL cluster (postgresRoot) this devnet made. */
const POSTGRES_OWNED = 'postgres-cluster';

/** Removes the private cluster's data (after `down`): `devnet reset`. */
export function removePostgresData(paths: DevnetPaths): void {
  fs.rmSync(postgresRoot(paths), { recursive: true, force: true });
}

/** PostgreSQL refuses to run as root: as root, run its programs as the postgres user. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  if (!runsAsRoot()) return [command, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', command, ...args]];
}

async function requirePostgresUser(): Promise<void> {
  if (!runsAsRoot()) return;
  if (userHome('postgres') === undefined) {
    throw new DevnetError(
      'DEPENDENCY_MISSING',
      'running as root, the private PostgreSQL must run as the `postgres` user, and there is none',
      'apt-get install postgresql-15 (it creates the user), run as another user, or give DATABASE_URL',
    );
  }
  if (!(await commandExists('setpriv'))) {
    throw new DevnetError(
      'DEPENDENCY_MISSING',
      'running as root, the private PostgreSQL is started with setpriv, which is not installed',
      'apt-get install util-linux, run as another user, or give DATABASE_URL',
    );
  }
}

async function ensurePostgres(
  paths: DevnetPaths,
  env: NodeJS.ProcessEnv,
  started: string[],
  onHost?: OnHost,
): Promise<string> {
  const bin = pgBin(env);
  if (!fs.existsSync(path.join(bin, 'postgres'))) {
    throw new DevnetError(
      'DEPENDENCY_MISSING',
      `PostgreSQL is not installed (no ${bin}/postgres)`,
      'apt-get install postgresql-15, set PG_BIN to its bin folder, or give DATABASE_URL',
    );
  }
  await requirePostgresUser();
  const port = env.PG_PORT ? Number(env.PG_PORT) : POSTGRES.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DevnetError('BAD_ARGUMENT', `PG_PORT=${env.PG_PORT} is not a port number`);
  }
  const root = postgresRoot(paths);
  const data = path.join(root, 'data');
  // The cluster lives outside the devnet's folder (postgres must be able to enter it), so a
  // devnet made again at the same path (a new clone, its folder deleted by hand) would find
  // the last one's cluster, whose index follows another ledger. The devnet's folder records
  // the cluster it made; one it did not record is that earlier devnet's, and goes.
  const owned = path.join(paths.root, POSTGRES_OWNED);
  if (fs.existsSync(root) && !fs.existsSync(owned))
    fs.rmSync(root, { recursive: true, force: true });
  if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
    // Folders above it made here stay enterable (mkdir's mode would apply to each of them).
    fs.mkdirSync(path.dirname(root), { recursive: true, mode: 0o755 });
    fs.mkdirSync(data, { recursive: true, mode: 0o700 });
    if (runsAsRoot()) await run('chown', ['-R', 'postgres:postgres', root]);
    const [initdb, initArgs] = asPostgres(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      POSTGRES.user,
      '--auth=trust',
      '--encoding=UTF8',
      '--no-locale',
    ]);
    // Its own folder as working directory: postgres may not be allowed into the caller's.
    await run(initdb, initArgs, { cwd: root, timeoutMs: 120_000 });
    fs.mkdirSync(paths.root, { recursive: true });
    fs.writeFileSync(owned, `${root}\n`);
  }
  const [pgCommand, pgArgs] = asPostgres(path.join(bin, 'postgres'), [
    '-D',
    data,
    '-h',
    POSTGRES.host,
    '-p',
    String(port),
    '-k',
    root,
  ]);
  const [command, args] = wrapped(onHost?.via, pgCommand, pgArgs);
  const startedPostgres = await ensureRunning(paths, {
    name: 'postgres',
    command,
    args,
    cwd: root,
    env: {},
    ports: [{ label: 'PostgreSQL', host: POSTGRES.host, port }],
    health: [{ kind: 'tcp', host: POSTGRES.host, port, via: onHost?.via }],
    onHost: onHost?.host,
  });
  if (startedPostgres !== undefined) started.push('postgres');
  const psql = (sql: string, database = 'postgres') =>
    run(
      ...wrapped(onHost?.via, path.join(bin, 'psql'), [
        '-h',
        POSTGRES.host,
        '-p',
        String(port),
        '-U',
        POSTGRES.user,
        '-d',
        database,
        '-tAc',
        sql,
      ]),
    );
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
  return `postgres://${POSTGRES.user}@${POSTGRES.host}:${port}/${POSTGRES.database}`;
}

async function ensureRedis(
  paths: DevnetPaths,
  started: string[],
  onHost?: OnHost,
): Promise<string> {
  if (!(await commandExists('redis-server'))) {
    throw new DevnetError(
      'DEPENDENCY_MISSING',
      'redis-server is not installed',
      'apt-get install redis-server, or give REDIS_URL',
    );
  }
  const dir = path.join(paths.root, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  // Append-only file, fsync every second: queued jobs survive a Redis restart.
  const [command, args] = wrapped(onHost?.via, 'redis-server', [
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
  ]);
  const startedRedis = await ensureRunning(paths, {
    name: 'redis',
    command,
    args,
    env: {},
    ports: [{ label: 'Redis', host: REDIS.host, port: REDIS.port }],
    health: [{ kind: 'tcp', host: REDIS.host, port: REDIS.port, via: onHost?.via }],
    onHost: onHost?.host,
  });
  if (startedRedis !== undefined) started.push('redis');
  return `redis://${REDIS.host}:${REDIS.port}`;
}

/** URLs of the gateway's servers: the given ones, or private ones started here. */
export async function ensureServices(
  paths: DevnetPaths,
  env: NodeJS.ProcessEnv = process.env,
  onHost?: OnHost,
): Promise<ServiceUrls> {
  const started: string[] = [];
  // Across hosts each host has its own: given URLs would be one server for all.
  if (onHost) {
    return {
      databaseUrl: await ensurePostgres(paths, env, started, onHost),
      redisUrl: await ensureRedis(paths, started, onHost),
      started,
    };
  }
  return {
    databaseUrl: env.DATABASE_URL ?? (await ensurePostgres(paths, env, started)),
    redisUrl: env.REDIS_URL ?? (await ensureRedis(paths, started)),
    started,
  };
}
