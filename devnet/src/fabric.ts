/**
 * Fabric binaries: found in a cache outside the repository, built there from the Go module
 * of devnet/fabric (Fabric 2.1.1, the newest release the Go module proxy serves) when
 * missing. FABRIC_HOME (a folder with bin/ and config/, e.g. a 2.5 or 3.x build) overrides.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DevnetError } from './errors';
import { commandExists, run } from './exec';

/** The release devnet/fabric/go.mod pins. */
export const FABRIC_BUILD_VERSION = '2.1.1';
const FABRIC_MODULE = 'github.com/hyperledger/fabric';
const MODULE_DIR = path.resolve(__dirname, '..', 'fabric');
/** Without conflictPolicy=warn the 2.1.1 peer panics at init (a proto registered twice). */
const LDFLAGS = [
  '-X google.golang.org/protobuf/reflect/protoregistry.conflictPolicy=warn',
  `-X ${FABRIC_MODULE}/common/metadata.Version=${FABRIC_BUILD_VERSION}`,
].join(' ');

export interface FabricHome {
  dir: string;
  bin: string;
  /** Fabric's sampleconfig (core.yaml, orderer.yaml), used as the base of ours. */
  config: string;
  version: string;
}

/** Channel participation (osnadmin, no system channel) came with Fabric 2.3. */
export function hasChannelParticipation(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 3);
}

/** The tools the launcher uses from a release: osnadmin only where it exists. */
export function fabricTools(version: string): string[] {
  const tools = ['peer', 'orderer', 'configtxgen', 'cryptogen'];
  return hasChannelParticipation(version) ? [...tools, 'osnadmin'] : tools;
}

function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'clearance-ledger');
}

export function buildDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), `fabric-${FABRIC_BUILD_VERSION}`);
}

/** VERSION file if present, else what `peer version` says (a hand-made FABRIC_HOME). */
function versionAt(dir: string): string {
  const versionFile = path.join(dir, 'VERSION');
  if (fs.existsSync(versionFile)) return fs.readFileSync(versionFile, 'utf8').trim();
  try {
    const out = execFileSync(path.join(dir, 'bin', 'peer'), ['version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'], // 2.1.1 warns of a proto registered twice
    });
    return /Version:\s*v?(\S+)/.exec(out)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function homeAt(dir: string): FabricHome | undefined {
  const bin = path.join(dir, 'bin');
  const config = path.join(dir, 'config');
  if (!fs.existsSync(path.join(bin, 'peer'))) return undefined;
  const version = versionAt(dir);
  const complete =
    fabricTools(version).every((t) => fs.existsSync(path.join(bin, t))) &&
    fs.existsSync(path.join(config, 'core.yaml')) &&
    fs.existsSync(path.join(config, 'orderer.yaml'));
  return complete ? { dir, bin, config, version } : undefined;
}

/** The Fabric installation to use, or undefined when none is installed. */
export function findFabric(env: NodeJS.ProcessEnv = process.env): FabricHome | undefined {
  if (env.FABRIC_HOME) return homeAt(path.resolve(env.FABRIC_HOME));
  return homeAt(buildDir(env));
}

export function requireFabric(env: NodeJS.ProcessEnv = process.env): FabricHome {
  const home = findFabric(env);
  if (home) return home;
  throw new DevnetError(
    'DEPENDENCY_MISSING',
    env.FABRIC_HOME
      ? `FABRIC_HOME=${env.FABRIC_HOME} has no complete Fabric install (bin/{peer,orderer,configtxgen,cryptogen} and osnadmin from 2.3 on, config/core.yaml, config/orderer.yaml)`
      : 'Hyperledger Fabric binaries are not installed',
    'run `npm run fabric:install` (needs Go and the Go module proxy), or set FABRIC_HOME',
  );
}

/** Builds the four tools of devnet/fabric/go.mod into the cache; config → sampleconfig. */
async function build(dir: string, log: (line: string) => void): Promise<void> {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const tools = fabricTools(FABRIC_BUILD_VERSION);
  log(`building Fabric ${FABRIC_BUILD_VERSION} (${tools.join(', ')}) from ${MODULE_DIR}`);
  try {
    await run(
      'go',
      ['install', '-ldflags', LDFLAGS, ...tools.map((t) => `${FABRIC_MODULE}/cmd/${t}`)],
      { cwd: MODULE_DIR, env: { GOBIN: bin, CGO_ENABLED: '0' }, timeoutMs: 30 * 60_000 },
    );
  } catch (error) {
    throw new DevnetError(
      'FABRIC_INSTALL_FAILED',
      `go install of Fabric ${FABRIC_BUILD_VERSION} failed: ${(error as Error).message}`,
      'check that the Go module proxy (GOPROXY) serves github.com/hyperledger/fabric@v2.1.1+incompatible, or set FABRIC_HOME',
      { cause: error },
    );
  }
  // The module source in the Go module cache holds sampleconfig/.
  const { stdout } = await run('go', ['list', '-m', '-f', '{{.Dir}}', FABRIC_MODULE], {
    cwd: MODULE_DIR,
  });
  const sampleconfig = path.join(stdout.trim(), 'sampleconfig');
  if (!fs.existsSync(path.join(sampleconfig, 'core.yaml'))) {
    throw new DevnetError('FABRIC_INSTALL_FAILED', `no sampleconfig in ${sampleconfig}`);
  }
  fs.rmSync(path.join(dir, 'config'), { force: true, recursive: true });
  fs.symlinkSync(sampleconfig, path.join(dir, 'config'));
  fs.writeFileSync(path.join(dir, 'VERSION'), `${FABRIC_BUILD_VERSION}\n`);
}

/**
 * Fabric's configtxlator (config blocks to JSON and back, update computation), built from
 * the same pinned module into the same bin folder when missing. Not part of the four tools
 * an install is checked for: an install made before it was needed stays complete.
 */
export async function ensureConfigtxlator(
  home: FabricHome,
  log: (line: string) => void = console.log,
): Promise<string> {
  const tool = path.join(home.bin, 'configtxlator');
  if (fs.existsSync(tool)) return tool;
  if (path.resolve(home.dir) !== path.resolve(buildDir())) {
    throw new DevnetError(
      'DEPENDENCY_MISSING',
      `FABRIC_HOME=${home.dir} has no bin/configtxlator`,
      'build it beside the other tools, or unset FABRIC_HOME to use the cached 2.1.1 build',
    );
  }
  log(`building configtxlator ${FABRIC_BUILD_VERSION} into ${home.bin}`);
  await run('go', ['install', '-ldflags', LDFLAGS, `${FABRIC_MODULE}/cmd/configtxlator`], {
    cwd: MODULE_DIR,
    env: { GOBIN: home.bin, CGO_ENABLED: '0' },
    timeoutMs: 30 * 60_000,
  });
  return tool;
}

/** Checks `peer version` reports the version we expect. */
export async function verifyFabric(home: FabricHome): Promise<string> {
  const { stdout } = await run(path.join(home.bin, 'peer'), ['version']);
  const reported = /Version:\s*v?(\S+)/.exec(stdout)?.[1];
  if (home.version !== 'unknown' && reported !== home.version) {
    throw new DevnetError(
      'FABRIC_INSTALL_FAILED',
      `peer version reports ${reported ?? '(nothing)'}, expected ${home.version}`,
    );
  }
  return reported ?? 'unknown';
}

/** Builds Fabric unless an install is already there (FABRIC_HOME or the cache). */
export async function installFabric(
  log: (line: string) => void = console.log,
): Promise<FabricHome> {
  const existing = findFabric();
  if (existing) {
    await verifyFabric(existing);
    log(`Fabric ${existing.version} already installed in ${existing.dir}`);
    return existing;
  }
  if (process.env.FABRIC_HOME) requireFabric(); // names what FABRIC_HOME lacks
  if (!(await commandExists('go'))) {
    throw new DevnetError(
      'DEPENDENCY_MISSING',
      'Go is not installed; Fabric is built from source with `go install`',
      'install Go 1.26 or newer (https://go.dev/doc/install, or your distribution package)',
    );
  }
  const started = Date.now();
  const dir = buildDir();
  await build(dir, log);
  const home = homeAt(dir);
  if (!home) throw new DevnetError('FABRIC_INSTALL_FAILED', `install in ${dir} is incomplete`);
  const version = await verifyFabric(home);
  log(`Fabric ${version} built in ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return home;
}
