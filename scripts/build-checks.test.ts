/**
 * The two structure checks `npm run lint` runs: no import loop in any package, no
 * test in any build. Each is run as lint runs it, on a small tree made here.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const scripts = __dirname;
const run = (script: string, root: string, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(scripts, script), ...args], {
    cwd: root,
    encoding: 'utf8',
  });

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'build-checks-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** Every package's sources, as `npm run lint` checks them. */
const PACKAGE_SOURCES = [
  'core/src',
  'domain/src',
  'chaincode/src',
  'fabric-client/src',
  'gateway/src',
  'devnet/src',
  'verifier/src',
  'seal-devices/src',
  'portal/src',
  'testkit/src',
  'load/src',
];

describe('import-cycles', () => {
  it('names a loop of three modules, made by a type import, a re-export and an import', () => {
    const root = tree({
      'src/a.ts': "import type { B } from './b';\nexport type A = B;\n",
      'src/b/index.ts': "export * from '../c';\nexport type B = string;\n",
      'src/c.ts': "import {\n  a,\n} from './a';\nexport const c = a;\n",
      'src/d.ts': "import { c } from './c';\nimport { z } from 'zod';\nexport const d = [c, z];\n",
    });
    const result = run('import-cycles.mjs', root, 'src');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('import loop: src/a.ts ↔ src/b/index.ts ↔ src/c.ts');
    expect(result.stderr).not.toContain('d.ts');
  });

  it('passes modules that import each other one way only', () => {
    const root = tree({
      'src/a.ts': "import { b } from './b';\nexport const a = b;\n",
      'src/b.ts': "export const b = 1; // import { a } from './a' is a comment's text\n",
    });
    expect(run('import-cycles.mjs', root, 'src').status).toBe(0);
  });

  it('finds none in any package', () => {
    const result = run('import-cycles.mjs', path.join(scripts, '..'), ...PACKAGE_SOURCES);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('no-tests-in-dist', () => {
  const workspace = { 'package.json': JSON.stringify({ workspaces: ['pkg'] }) };

  it.each([
    ['a compiled test', 'pkg/dist/figures.test.js'],
    ['a test declaration', 'pkg/dist/figures.test.d.ts'],
    ['a test helper', 'pkg/dist/testing/fixtures.js'],
    ['a nested package test', 'pkg/cli/dist/cli.spec.js'],
  ])('fails on %s', (_label, file) => {
    const root = tree({ ...workspace, 'pkg/dist/index.js': '', [file]: '' });
    const result = run('no-tests-in-dist.mjs', root, root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`a test in a build: ${file}`);
  });

  it('passes a build of code alone', () => {
    const root = tree({ ...workspace, 'pkg/dist/index.js': '', 'pkg/dist/contest.js': '' });
    expect(run('no-tests-in-dist.mjs', root, root).status).toBe(0);
  });
});
