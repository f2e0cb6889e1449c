#!/usr/bin/env node
// `npm start`: installs what is missing, then runs the whole system locally.
// Plain Node with no dependencies, because it runs before `npm ci` has.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preflight } from './preflight.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function fail(what, how) {
  console.error(`npm start: ${what}\n  how to fix: ${how}`);
  process.exit(1);
}

function step(title, command, args) {
  console.log(`» ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`Node ${process.versions.node} is too old`, 'install Node.js 20.19 or newer');
}
// Every system package before anything else (npm ci included): installed here as root.
if (!preflight({ purpose: 'start', check: process.argv.includes('--check') })) process.exit(1);
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  step('installing npm dependencies (npm ci)', 'npm', ['ci']);
}
step('building (tsc --build)', 'npx', ['tsc', '--build']);
step('building the portal', 'npm', ['run', '--silent', 'build', '-w', 'portal']);
try {
  execFileSync(process.execPath, [join(root, 'network/dist/cli.js'), 'install-fabric'], {
    stdio: 'inherit',
  });
} catch {
  fail(
    'Hyperledger Fabric 2.1.1 could not be built (see above)',
    'install Go and let it reach the Go module proxy (network/fabric/go.mod pins Fabric 2.1.1), or set FABRIC_HOME to a folder with bin/ (peer, orderer, configtxgen, cryptogen; osnadmin from 2.3 on) and config/ (Fabric sampleconfig)',
  );
}

// The runner stops the gateway and the devnet on Ctrl-C; this process stays until it has,
// passing on a signal sent to it alone (the terminal signals the whole group anyway).
console.log('» starting the devnet and the gateway');
const runner = spawn(process.execPath, [join(root, 'network/dist/start.js')], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => runner.kill(signal));
}
runner.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
