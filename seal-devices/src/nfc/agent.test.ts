/**
 * The PC/SC binding is optional: where `npm ci` could not build it, the agent stops at
 * start with a coded error naming what to install, and nothing else depends on it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointAgentError, loadNfcPcsc, startCheckpointAgent } from './agent';

const missing = (id: string): never => {
  throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
};

describe('the checkpoint agent without its PC/SC binding', () => {
  test('loading it gives PCSC_BINDING_MISSING, naming libpcsclite-dev and npm ci', () => {
    let caught: unknown;
    try {
      loadNfcPcsc(missing);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CheckpointAgentError);
    const error = caught as CheckpointAgentError;
    expect(error.code).toBe('PCSC_BINDING_MISSING');
    expect(error.message).toContain('apt-get install -y g++ make python3 libpcsclite-dev pcscd');
    expect(error.message).toContain('npm ci');
    expect((error.cause as { code?: string }).code).toBe('MODULE_NOT_FOUND');
  });

  test('a binding that fails to load (no libpcsclite) is the same error', () => {
    expect(() =>
      startCheckpointAgent({ onTap() {}, onError() {} }, () => {
        throw new Error('libpcsclite.so.1: cannot open shared object file');
      }),
    ).toThrow(expect.objectContaining({ code: 'PCSC_BINDING_MISSING' }));
  });

  test('the agent process prints the coded error as a JSON line and exits 2', () => {
    const cli = path.resolve(__dirname, '..', '..', 'dist', 'nfc', 'cli.js');
    // A view of node_modules without nfc-pcsc, as `npm ci` leaves it where it cannot build.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-pcsc-'));
    const hide = path.join(dir, 'hide-nfc-pcsc.js');
    fs.writeFileSync(
      hide,
      `const Module = require('module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'nfc-pcsc') throw Object.assign(new Error("Cannot find module 'nfc-pcsc'"), { code: 'MODULE_NOT_FOUND' });
  return resolve.call(this, request, ...rest);
};
`,
    );
    try {
      const result = spawnSync(process.execPath, ['-r', hide, cli], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      const line = JSON.parse(result.stderr.trim().split('\n').pop() ?? '') as unknown;
      expect(line).toEqual(
        expect.objectContaining({ type: 'error', code: 'PCSC_BINDING_MISSING' }),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
