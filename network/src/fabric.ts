/**
 * Fabric binaries: found in a cache outside the repository, installed there with `go install`
 * at a pinned commit when missing. FABRIC_HOME (a folder with bin/ and config/) overrides.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DevnetError } from './errors';
import { commandExists, run } from './exec';

export const FABRIC_TOOLS = ['peer', 'orderer', 'configtxgen', 'osnadmin', 'cryptogen'] as const;

interface FabricRelease {
  version: string;
  commit: string;
}

/** Preferred first. The Fabric module path lacks a /v3 suffix, so tags cannot be used. */
export const FABRIC_RELEASES: readonly FabricRelease[] = [
  { version: '3.1.5', commit: '86c1172bec37e6590c6b1ae6f847833df48d65fc' },
  { version: '2.5.16', commit: 'f871cf92a026aba7b12e6f06d71ded3e6e659d71' },
];

export interface FabricHome {
  dir: string;
  bin: string;
  /** Fabric's sampleconfig (core.yaml, orderer.yaml), used as the base of ours. */
  config: string;
  version: string;
}

function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'clearance-ledger');
}

function homeAt(dir: string): FabricHome | undefined {
  const bin = path.join(dir, 'bin');
  const config = path.join(dir, 'config');
  const complete =
    FABRIC_TOOLS.every((t) => fs.existsSync(path.join(bin, t))) &&
    fs.existsSync(path.join(config, 'core.yaml')) &&
    fs.existsSync(path.join(config, 'orderer.yaml'));
  if (!complete) return undefined;
  const versionFile = path.join(dir, 'VERSION');
  const version = fs.existsSync(versionFile)
    ? fs.readFileSync(versionFile, 'utf8').trim()
    : 'unknown';
  return { dir, bin, config, version };
}

/** The Fabric installation to use, or undefined when none is installed. */
export function findFabric(env: NodeJS.ProcessEnv = process.env): FabricHome | undefined {
  if (env.FABRIC_HOME) return homeAt(path.resolve(env.FABRIC_HOME));
  for (const release of FABRIC_RELEASES) {
    const home = homeAt(path.join(cacheRoot(env), `fabric-${release.version}`));
    if (home) return home;
  }
  return undefined;
}

export function requireFabric(env: NodeJS.ProcessEnv = process.env): FabricHome {
  const home = findFabric(env);
  if (home) return home;
  throw new DevnetError(
    'DEPENDENCY_MISSING',
    env.FABRIC_HOME
      ? `FABRIC_HOME=${env.FABRIC_HOME} has no complete Fabric install (bin/{${FABRIC_TOOLS.join(',')}}, config/core.yaml, config/orderer.yaml)`
      : 'Hyperledger Fabric binaries are not installed',
    'run `npm run fabric:install` (needs Go and the Go module proxy), or set FABRIC_HOME',
  );
}

async function installRelease(
  release: FabricRelease,
  log: (line: string) => void,
): Promise<FabricHome> {
  const dir = path.join(cacheRoot(), `fabric-${release.version}`);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const module = 'github.com/hyperledger/fabric';
  const ldflags = `-X ${module}/common/metadata.Version=${release.version}`;
  const targets = FABRIC_TOOLS.map((t) => `${module}/cmd/${t}@${release.commit}`);
  log(`go install ${FABRIC_TOOLS.join(', ')} at Fabric ${release.version} (${release.commit})`);
  await run('go', ['install', '-ldflags', ldflags, ...targets], {
    env: { GOBIN: bin, CGO_ENABLED: '0' },
    timeoutMs: 30 * 60_000,
  });
  // The module source that `go install` left in the module cache holds sampleconfig/.
  const { stdout } = await run('go', ['mod', 'download', '-json', `${module}@${release.commit}`]);
  const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new DevnetError('FABRIC_INSTALL_FAILED', `no module dir for ${module}`);
  fs.rmSync(path.join(dir, 'config'), { force: true });
  fs.symlinkSync(path.join(moduleDir, 'sampleconfig'), path.join(dir, 'config'));
  fs.writeFileSync(path.join(dir, 'VERSION'), `${release.version}\n`);
  const home = homeAt(dir);
  if (!home) throw new DevnetError('FABRIC_INSTALL_FAILED', `install in ${dir} is incomplete`);
  return home;
}

/** Checks `peer version` reports the version we expect. */
export async function verifyFabric(home: FabricHome): Promise<string> {
  const { stdout } = await run(path.join(home.bin, 'peer'), ['version']);
  const reported = /Version:\s*(\S+)/.exec(stdout)?.[1];
  if (home.version !== 'unknown' && reported !== home.version) {
    throw new DevnetError(
      'FABRIC_INSTALL_FAILED',
      `peer version reports ${reported ?? '(nothing)'}, expected ${home.version}`,
    );
  }
  return reported ?? 'unknown';
}

/**
 * Installs Fabric unless an install is already there. Tries each pinned release in order and
 * reports every failure, so a refused module proxy is visible as it happened.
 */
export async function installFabric(
  log: (line: string) => void = console.log,
): Promise<FabricHome> {
  const existing = findFabric();
  if (existing) {
    log(`Fabric ${existing.version} already installed in ${existing.dir}`);
    await verifyFabric(existing);
    return existing;
  }
  if (!(await commandExists('go'))) {
    throw new DevnetError(
      'DEPENDENCY_MISSING',
      'Go is not installed; Fabric is built from source with `go install`',
      'install Go 1.26 or newer (https://go.dev/doc/install, or your distribution package)',
    );
  }
  const failures: string[] = [];
  for (const release of FABRIC_RELEASES) {
    const started = Date.now();
    try {
      const home = await installRelease(release, log);
      const version = await verifyFabric(home);
      log(
        `Fabric ${version} installed in ${home.dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      return home;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`Fabric ${release.version}: ${message}`);
    }
  }
  throw new DevnetError(
    'FABRIC_INSTALL_FAILED',
    `no pinned Fabric release could be installed:\n${failures.join('\n')}`,
    'check that the Go module proxy serves github.com/hyperledger/fabric, or point FABRIC_HOME at an existing install',
  );
}
