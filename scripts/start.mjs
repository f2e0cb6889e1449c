#!/usr/bin/env node
// `npm start`: checks (and as root installs) the system packages, installs and builds what is
// missing, then runs the whole system locally (devnet/dist/start.js).
//   npm start [-- --no-demo]      without the living demo
//   npm start -- --check          only check the system packages, install nothing
// Plain Node with no dependencies, because it runs before `npm ci` has.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preflight } from './preflight.mjs';

const startedAt = Date.now() - Math.round(process.uptime() * 1000);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function fail(what, how) {
  console.error(`npm start: ${what}\n  how to fix: ${how}`);
  process.exit(1);
}

function step(title, command, args) {
  console.log(`» ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`npm start: ${title} failed; nothing was started`);
    process.exit(result.status ?? 1);
  }
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`Node ${process.versions.node} is too old`, 'install Node.js 20.19 or newer');
}
// Every system package before anything else (npm ci included): installed here as root.
console.log('» checking the system packages (scripts/system-packages.mjs)');
if (!preflight({ purpose: 'start', check: args.includes('--check') })) process.exit(1);
if (args.includes('--check')) process.exit(0);

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  step('installing npm dependencies (npm ci)', 'npm', ['ci', '--no-audit', '--no-fund']);
}
step('building (tsc --build)', 'npx', ['tsc', '--build']);
step('building the portal', 'npm', ['run', '--silent', 'build', '-w', 'portal']);
step('Hyperledger Fabric 2.1.1 (built once into ~/.cache/clearance-ledger)', process.execPath, [
  join(root, 'devnet/dist/cli.js'),
  'install-fabric',
]);

// The runner owns this checkout's processes: it stops them all on Ctrl-C, on a failed step,
// and when this process ends (the IPC channel closes). This process stays until it has.
const runner = spawn(process.execPath, [join(root, 'devnet/dist/start.js'), ...args], {
  cwd: root,
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  env: { ...process.env, NPM_START_AT: String(startedAt) },
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => runner.kill(signal));
}
runner.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
