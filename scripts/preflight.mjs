#!/usr/bin/env node
// Before anything else: are the system packages of scripts/system-packages.mjs installed?
// As root (or with passwordless sudo) and apt-get, the missing ones are installed in one
// `apt-get install` call (after an `apt-get update` only if that call failed); otherwise one message names everything missing and the one
// command that installs it, and the caller stops before `npm ci`. Plain Node with no
// dependencies: it runs before `npm ci` has.
//
//   node scripts/preflight.mjs start|test [--check]     (--check: never install, only say)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GO, SYSTEM_PACKAGES } from './system-packages.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The packages a purpose needs: `start` those marked start, `test` all of them. */
export function neededPackages(purpose, env = process.env) {
  return SYSTEM_PACKAGES.filter(
    (p) => (purpose === 'test' || p.need === 'start') && !(p.unlessEnv && env[p.unlessEnv]),
  );
}

function onPath(command, env) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { env, stdio: 'ignore' }).status === 0;
}

/**
 * Names of the given packages that dpkg reports installed, or undefined where there is no
 * dpkg-query (not a Debian system: nothing can be checked).
 */
export function installedPackages(names, env = process.env) {
  if (!onPath('dpkg-query', env)) return undefined;
  // Exit status 1 only says some package is unknown; the known ones are still printed.
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${Status}\n', ...names], {
    env,
    encoding: 'utf8',
  });
  const installed = new Set();
  for (const line of (result.stdout ?? '').split('\n')) {
    const [name, status] = line.split('\t');
    if (name && status?.endsWith(' installed')) installed.add(name.split(':')[0]);
  }
  return installed;
}

function versionAtLeast(have, want) {
  const a = have.split('.').map(Number);
  const b = want.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** What is wrong with Go (missing or too old), or undefined when it will do. */
export function goProblem(env = process.env, root = ROOT) {
  if (env[GO.unlessEnv]) return undefined;
  const want = /^go (\d+(?:\.\d+)*)\s*$/m.exec(readFileSync(join(root, GO.goMod), 'utf8'))?.[1];
  const result = onPath('go', env)
    ? spawnSync('go', ['env', 'GOVERSION'], { env, encoding: 'utf8' })
    : undefined;
  const have = /^go(\d+(?:\.\d+)*)/.exec(result?.stdout?.trim() ?? '')?.[1];
  if (have && want && versionAtLeast(have, want)) return undefined;
  return `Go ${want} or newer ${have ? `(found ${have})` : '(none on PATH)'}: ${GO.why}; install it from ${GO.install}, or set ${GO.unlessEnv}`;
}

function isRoot() {
  return process.getuid?.() === 0;
}

/** How this process may run apt-get: directly (root), through sudo -n, or not at all. */
function aptRunner(env) {
  if (!onPath('apt-get', env)) return undefined;
  if (isRoot()) return [];
  if (
    onPath('sudo', env) &&
    spawnSync('sudo', ['-n', 'true'], { env, stdio: 'ignore' }).status === 0
  )
    return ['sudo', '-n'];
  return undefined;
}

function aptGet(prefix, args, env) {
  const [command, ...rest] = [...prefix, 'apt-get', ...args];
  return spawnSync(command, rest, {
    env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'inherit', 'inherit'],
  }).status;
}

function describe(packages) {
  const width = Math.max(...packages.map((p) => p.name.length));
  return packages.map((p) => `  ${p.name.padEnd(width)}  ${p.why}`).join('\n');
}

/**
 * Checks (and where it may, installs) what `purpose` needs. Resolves true when all is
 * there; false after printing one message naming everything still missing.
 */
export function preflight({
  purpose,
  check = false,
  env = process.env,
  root = ROOT,
  who = 'npm start',
}) {
  const needed = neededPackages(purpose, env);
  let installed = installedPackages(
    needed.map((p) => p.name),
    env,
  );
  if (installed === undefined) {
    console.log(
      `${who}: cannot check system packages here (no dpkg-query); it needs:\n${describe(needed)}`,
    );
  }
  let missing = installed ? needed.filter((p) => !installed.has(p.name)) : [];
  const runner = check ? undefined : aptRunner(env);
  if (missing.length > 0 && runner) {
    const names = missing.map((p) => p.name);
    console.log(
      `${who}: installing ${names.length} missing system package${names.length > 1 ? 's' : ''} with one apt-get call${runner.length ? ' (sudo)' : ' (as root)'}: ${names.join(' ')}`,
    );
    let status = aptGet(runner, ['install', '-y', '-qq', ...names], env);
    if (status !== 0) {
      // Package lists missing (a new machine) or stale: fetch them and try once more.
      console.log(`${who}: apt-get install failed (exit ${status}): apt-get update, then again`);
      aptGet(runner, ['update', '-qq'], env);
      status = aptGet(runner, ['install', '-y', '-qq', ...names], env);
    }
    installed = installedPackages(
      needed.map((p) => p.name),
      env,
    );
    missing = needed.filter((p) => !installed?.has(p.name));
    if (status !== 0 || missing.length > 0)
      console.error(`${who}: apt-get install failed (exit ${status})`);
    else console.log(`${who}: installed ${names.join(' ')}`);
  }
  const go = goProblem(env, root);
  if (missing.length === 0 && go === undefined) return true;

  const lines = [`${who}: cannot go on; missing:`];
  if (missing.length > 0) lines.push(describe(missing));
  if (go) lines.push(`  ${go}`);
  if (missing.length > 0) {
    const names = missing.map((p) => p.name).join(' ');
    const sudo = isRoot() ? '' : 'sudo ';
    lines.push(
      'Install them with this one command:',
      `  ${sudo}apt-get update && ${sudo}apt-get install -y ${names}`,
    );
    if (!isRoot() && !check)
      lines.push(`(Run as root, or with passwordless sudo, and ${who} installs them itself.)`);
  }
  console.error(lines.join('\n'));
  return false;
}

/**
 * The NFC agent's PC/SC binding is an optional dependency: `npm ci` leaves it out when its
 * compiler or headers were missing. The tests need it: once the preflight has installed
 * them, an install made without it is made again.
 */
export function pcscBindingBuilt(root = ROOT) {
  return existsSync(
    join(root, 'node_modules', '@pokusew', 'pcsclite', 'build', 'Release', 'pcsclite.node'),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [purpose] = process.argv.slice(2);
  if (purpose !== 'start' && purpose !== 'test') {
    console.error('usage: node scripts/preflight.mjs start|test [--check]');
    process.exit(2);
  }
  const ok = preflight({
    purpose,
    check: process.argv.includes('--check'),
    who: purpose === 'start' ? 'npm start' : 'npm test',
  });
  if (!ok) process.exit(1);
  if (purpose === 'test' && existsSync(join(ROOT, 'node_modules')) && !pcscBindingBuilt()) {
    console.log(
      'npm test: the PC/SC binding is not in node_modules (npm ci ran before its compiler and headers were installed): running npm ci again',
    );
    const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (result.status !== 0 || !pcscBindingBuilt()) {
      console.error(
        'npm test: the PC/SC binding (@pokusew/pcsclite) still did not build (see above)',
      );
      process.exit(1);
    }
  }
}
