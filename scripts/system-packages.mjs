// The system packages the project needs (Debian 12 names): the one list that `npm start`,
// `npm test` and `.ci/run` check through scripts/preflight.mjs.
//
// need 'start': `npm start` needs it (and so do the tests).
// need 'test':  only the tests need it (`npm test`, `.ci/run`). `npm start` runs without
//               these: the NFC agent's PC/SC binding is an optional dependency, built by
//               `npm ci` only where its compiler and headers are present.
// unlessEnv:    not needed when that variable is set (the gateway uses the server it names).

/** @typedef {{ name: string, need: 'start' | 'test', why: string, unlessEnv?: string }} SystemPackage */

/** @type {readonly SystemPackage[]} */
export const SYSTEM_PACKAGES = [
  {
    name: 'ca-certificates',
    need: 'start',
    why: 'HTTPS to the npm registry and the Go module proxy',
  },
  { name: 'tar', need: 'start', why: 'the chaincode package (tar.gz)' },
  { name: 'gzip', need: 'start', why: 'the chaincode package (tar.gz)' },
  {
    name: 'util-linux',
    need: 'start',
    why: 'setpriv: as root, PostgreSQL runs as the postgres user',
  },
  {
    name: 'openssl',
    need: 'start',
    why: "the demo traders' PKCS#12 files; the tests' PKI cross-checks",
  },
  {
    name: 'postgresql-15',
    need: 'start',
    why: "the gateway's index and operations (a private cluster under .devnet)",
    unlessEnv: 'DATABASE_URL',
  },
  {
    name: 'redis-server',
    need: 'start',
    why: "the gateway's operations queue (a private server under .devnet)",
    unlessEnv: 'REDIS_URL',
  },
  { name: 'g++', need: 'test', why: "compiles the NFC agent's PC/SC binding (@pokusew/pcsclite)" },
  { name: 'make', need: 'test', why: "builds the NFC agent's PC/SC binding (node-gyp)" },
  { name: 'python3', need: 'test', why: 'node-gyp; the API fuzz test (schemathesis)' },
  { name: 'python3-venv', need: 'test', why: 'the API fuzz test installs schemathesis in a venv' },
  {
    name: 'libpcsclite-dev',
    need: 'test',
    why: "PC/SC headers (winscard.h) for the NFC agent's binding",
  },
  { name: 'pcscd', need: 'test', why: 'the PC/SC daemon the NFC tests talk to' },
  {
    name: 'vsmartcard-vpcd',
    need: 'test',
    why: 'the virtual reader the NFC tests tap a seal tag on',
  },
  { name: 'nftables', need: 'test', why: 'the devnet across hosts: partitions between hosts' },
  { name: 'iproute2', need: 'test', why: 'the devnet across hosts: namespaces, veth, bridge' },
  { name: 'chromium', need: 'test', why: 'the browser tests (driven by playwright-core)' },
  {
    name: 'fonts-noto-cjk',
    need: 'test',
    why: 'Chinese text in the browser tests and their screenshots',
  },
  { name: 'git', need: 'test', why: 'CI works on a clone of the repository' },
];

/**
 * Go is not taken from apt: Debian 12's golang-go is 1.19, older than the `go` line of
 * devnet/fabric/go.mod (the module Fabric 2.1.1 is built from). Not needed with FABRIC_HOME.
 */
export const GO = {
  goMod: 'devnet/fabric/go.mod',
  unlessEnv: 'FABRIC_HOME',
  why: 'builds Hyperledger Fabric 2.1.1 from the Go module proxy',
  install: 'https://go.dev/doc/install',
};
