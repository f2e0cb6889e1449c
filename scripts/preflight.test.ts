/**
 * The preflight on a machine where packages are missing: a PATH of its own holding a fake
 * dpkg-query (which knows only the packages listed in a file), a fake apt-get (which logs
 * each call and "installs" by adding to that file), and Go or not. The real script runs
 * as a process, as `npm start` runs it; as root, the no-install cases run as `nobody`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const isRoot = process.getuid?.() === 0;
/** setpriv from the test's own PATH (the fake machine's PATH has none). */
const SETPRIV = spawnSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).stdout.trim();

const FAKE_DPKG_QUERY = `#!/bin/sh
shift; shift
status=0
for p in "$@"; do
  found=
  while IFS= read -r line; do [ "$line" = "$p" ] && found=1; done < "$FAKE_ROOT/installed"
  if [ -n "$found" ]; then printf '%s\\tinstall ok installed\\n' "$p"
  else echo "dpkg-query: no packages found matching $p" >&2; status=1; fi
done
exit $status
`;
const FAKE_APT_GET = `#!/bin/sh
echo "$*" >> "$FAKE_ROOT/apt-calls"
if [ "$1" = install ]; then
  [ -n "$FAKE_APT_FAIL" ] && exit 100
  for a in "$@"; do case "$a" in install|-*) ;; *) echo "$a" >> "$FAKE_ROOT/installed";; esac; done
fi
exit 0
`;
const FAKE_SUDO = `#!/bin/sh
[ "$1" = -n ] && shift
exec "$@"
`;
const fakeGo = (version: string) => `#!/bin/sh\necho go${version}\n`;

interface Machine {
  installed: string[];
  go?: string;
  aptGet?: boolean;
  sudo?: boolean;
  /** Run as nobody (when the test runs as root): no right to install. */
  unprivileged?: boolean;
  env?: Record<string, string>;
  args: string[];
}

interface Outcome {
  status: number | null;
  out: string;
  err: string;
  aptCalls: string[];
  installed: string[];
}

/** Runs the real preflight (copied with the files it reads) on a fake machine. */
function runPreflight(machine: Machine): Outcome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-'));
  try {
    fs.chmodSync(dir, 0o777);
    for (const file of [
      'scripts/preflight.mjs',
      'scripts/system-packages.mjs',
      'devnet/fabric/go.mod',
    ]) {
      fs.mkdirSync(path.join(dir, 'repo', path.dirname(file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(dir, 'repo', file));
    }
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const tool = (name: string, text: string) =>
      fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
    fs.symlinkSync('/bin/sh', path.join(bin, 'sh'));
    tool('dpkg-query', FAKE_DPKG_QUERY);
    if (machine.aptGet !== false) tool('apt-get', FAKE_APT_GET);
    if (machine.sudo) tool('sudo', FAKE_SUDO);
    if (machine.go) tool('go', fakeGo(machine.go));
    fs.writeFileSync(path.join(dir, 'installed'), machine.installed.map((p) => `${p}\n`).join(''));
    fs.writeFileSync(path.join(dir, 'apt-calls'), '');
    for (const f of ['installed', 'apt-calls']) fs.chmodSync(path.join(dir, f), 0o666);

    const script = path.join(dir, 'repo', 'scripts', 'preflight.mjs');
    const command =
      machine.unprivileged && isRoot
        ? [
            SETPRIV,
            '--reuid=65534',
            '--regid=65534',
            '--clear-groups',
            process.execPath,
            script,
            ...machine.args,
          ]
        : [process.execPath, script, ...machine.args];
    const result = spawnSync(command[0] as string, command.slice(1), {
      encoding: 'utf8',
      cwd: dir,
      env: { PATH: bin, FAKE_ROOT: dir, HOME: dir, ...machine.env },
    });
    const lines = (file: string) =>
      fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean);
    return {
      status: result.status,
      out: result.stdout,
      err: result.stderr,
      aptCalls: lines('apt-calls'),
      installed: lines('installed'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const START = [
  'ca-certificates',
  'tar',
  'gzip',
  'util-linux',
  'openssl',
  'postgresql-15',
  'redis-server',
];
const TEST_ONLY = [
  'g++',
  'make',
  'python3',
  'python3-venv',
  'libpcsclite-dev',
  'pcscd',
  'vsmartcard-vpcd',
  'nftables',
  'iproute2',
  'chromium',
  'fonts-noto-cjk',
  'git',
];

describe('the preflight on a machine that lacks packages', () => {
  test('without the right to install: one message names every missing package and Go, and the one command; nothing is installed', () => {
    const r = runPreflight({
      installed: ['tar', 'gzip', 'util-linux'],
      args: ['test'],
      unprivileged: true,
    });
    expect(r.status).toBe(1);
    const missing = [...START, ...TEST_ONLY].filter(
      (p) => !['tar', 'gzip', 'util-linux'].includes(p),
    );
    const message = r.err;
    for (const p of missing)
      expect(message).toMatch(new RegExp(`^  ${p.replace('+', '\\+')} `, 'm'));
    expect(message).toContain('Go 1.26 or newer (none on PATH)');
    expect(message).toContain(`apt-get install -y ${missing.join(' ')}\n`);
    expect(message).not.toMatch(/^ {2}(tar|gzip|util-linux) /m);
    expect(r.aptCalls).toEqual([]);
  });

  test('with apt-get as root (or through sudo): every missing package in one install call, then it goes on', () => {
    const r = runPreflight({
      installed: ['tar', 'gzip'],
      go: '1.26.8',
      sudo: true,
      args: ['test'],
    });
    const missing = [...START, ...TEST_ONLY].filter((p) => !['tar', 'gzip'].includes(p));
    expect(r.aptCalls).toEqual([`install -y -qq ${missing.join(' ')}`]);
    expect(r.out).toContain(`installed ${missing.join(' ')}`);
    expect(r.status).toBe(0);
  });

  test('--check never installs, even where it could', () => {
    const r = runPreflight({ installed: [], go: '1.26.8', sudo: true, args: ['start', '--check'] });
    expect(r.status).toBe(1);
    expect(r.aptCalls).toEqual([]);
    expect(r.err).toContain(`apt-get install -y ${START.join(' ')}\n`);
  });

  test('npm start needs fewer packages than the tests, and none a given DATABASE_URL or REDIS_URL replaces', () => {
    const r = runPreflight({
      installed: START.filter((p) => p !== 'postgresql-15' && p !== 'redis-server'),
      go: '1.26.8',
      args: ['start', '--check'],
      env: { DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://r' },
    });
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
  });

  test('an apt-get install that fails twice (the second after apt-get update) stops the run, naming what is still missing', () => {
    const r = runPreflight({
      installed: START.filter((p) => p !== 'redis-server'),
      go: '1.26.8',
      sudo: true,
      args: ['start'],
      env: { FAKE_APT_FAIL: '1' },
    });
    expect(r.status).toBe(1);
    // Once more after fetching the package lists, then it gives up.
    expect(r.aptCalls).toEqual([
      'install -y -qq redis-server',
      'update -qq',
      'install -y -qq redis-server',
    ]);
    expect(r.err).toMatch(/^ {2}redis-server /m);
    expect(r.err).toContain('apt-get install failed');
  });

  test('a Go older than devnet/fabric/go.mod asks for is named; FABRIC_HOME needs none', () => {
    const old = runPreflight({ installed: START, go: '1.19.8', args: ['start', '--check'] });
    expect(old.status).toBe(1);
    expect(old.err).toContain('Go 1.26 or newer (found 1.19.8)');
    const given = runPreflight({
      installed: START,
      args: ['start', '--check'],
      env: { FABRIC_HOME: '/opt/fabric' },
    });
    expect(given.status).toBe(0);
  });
});
