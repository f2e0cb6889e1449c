#!/usr/bin/env node
// Bundles the portal for the browser into dist/: index.html, app.js, styles.css.
// `--watch` rebuilds on change. The gateway serves dist/ at / (same origin as the API).
// `--check` bundles in memory and writes nothing (`npm run lint` runs it): it fails when a
// module the portal imports cannot run in a browser, e.g. a `node:` import in the domain.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const watch = process.argv.includes('--watch');
const check = process.argv.includes('--check');

if (!check) {
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  for (const file of ['index.html', 'styles.css']) {
    await copyFile(join(here, 'static', file), join(dist, file));
  }
}

// The chaincode's domain and the core modules from source (ES modules): bundled that way,
// zod and the ASN.1 schemas tree-shake; their compiled CommonJS would pull in all of zod.
const SOURCES = {
  '@clearance/chaincode/domain': join(here, '..', 'chaincode', 'src', 'domain', 'index.ts'),
  '@clearance/core': join(here, '..', 'core', 'src', 'index.ts'),
};
const sharedFromSource = {
  name: 'shared-from-source',
  setup(build) {
    build.onResolve({ filter: /^@clearance\/(chaincode\/domain|core)$/ }, (args) => ({
      path: SOURCES[args.path],
    }));
  },
};

const options = {
  entryPoints: [join(here, 'src', 'main.tsx')],
  outfile: join(dist, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: !watch,
  sourcemap: true,
  legalComments: 'linked',
  // The chaincode's compiled modules read no environment; keep bundlers from guessing.
  define: { 'process.env.NODE_ENV': watch ? '"development"' : '"production"' },
  logLevel: 'info',
  plugins: [sharedFromSource],
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else if (check) {
  const result = await esbuild
    .build({ ...options, write: false, logLevel: 'warning' })
    .catch(() => process.exit(1)); // esbuild has printed each error with its place
  const bytes = result.outputFiles.reduce((n, f) => n + f.contents.length, 0);
  console.log(`portal: the bundle builds (${(bytes / 1024).toFixed(0)} KiB, nothing written)`);
} else {
  const result = await esbuild.build({ ...options, metafile: true });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`portal: dist/ written (${(bytes / 1024).toFixed(0)} KiB)`);
}
