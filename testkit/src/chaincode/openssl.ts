/**
 * The openssl command line for cross-checks in tests: an implementation nobody here wrote.
 * Fixtures are made at run time in a temporary folder (no committed keys). Node only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslDir {
  dir: string;
  /** Runs openssl with `args` in the folder; returns stdout (throws with stderr on failure). */
  run(...args: string[]): string;
  write(name: string, data: Uint8Array | string): string;
  read(name: string): Uint8Array;
  readText(name: string): string;
  remove(): void;
}

export function opensslDir(): OpensslDir {
  const dir = mkdtempSync(join(tmpdir(), 'esign-openssl-'));
  return {
    dir,
    run: (...args) =>
      execFileSync('openssl', args, {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    write: (name, data) => {
      writeFileSync(join(dir, name), data);
      return name;
    },
    read: (name) => new Uint8Array(readFileSync(join(dir, name))),
    readText: (name) => readFileSync(join(dir, name), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
