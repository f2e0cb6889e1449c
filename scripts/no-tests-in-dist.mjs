#!/usr/bin/env node
// Fails when a test or a test helper was compiled into a package's build (its dist/ folder):
// a `*.test.*` or `*.spec.*` file, or anything from a `testing/` folder. Tests and their
// helpers are excluded in each package's tsconfig or live outside its src/. `npm run lint`
// runs this after `tsc --build`. Usage: node scripts/no-tests-in-dist.mjs [repository root]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?(\.map)?$|\.(test|spec)\.d\.[cm]?ts(\.map)?$/;

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** The files of a build that came from tests or test helpers. */
export function testFilesIn(dir) {
  return filesUnder(dir).filter(
    (file) => TEST_FILE.test(file) || file.split(/[\\/]/).includes('testing'),
  );
}

/** Each workspace's dist/ and that of any package inside it (verifier/cli). */
export function distFolders(root) {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return workspaces.flatMap((workspace) => {
    const dir = join(root, workspace);
    const nested = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !['dist', 'node_modules', 'src'].includes(e.name))
      .map((e) => join(dir, e.name, 'dist'));
    return [join(dir, 'dist'), ...nested].filter((d) => existsSync(d));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..');
  const folders = distFolders(root);
  const found = folders.flatMap((dir) => testFilesIn(dir).map((f) => relative(root, join(dir, f))));
  for (const file of found) console.error(`a test in a build: ${file}`);
  if (found.length > 0) {
    console.error(
      "Exclude tests and their helpers in the package's tsconfig (or keep helpers outside src/).\n" +
        'A file left from an older build goes with `rm -rf <package>/dist && npx tsc --build`.',
    );
    process.exit(1);
  }
  console.log(`no-tests-in-dist: ${folders.length} builds, no test in any`);
}
