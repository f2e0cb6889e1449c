#!/usr/bin/env node
// Bundles the portal for the browser into dist/: index.html, and content-hashed scripts and
// styles (app-<hash>.js, chunks/…, styles-<hash>.css), each also precompressed (.br, .gz) for
// the gateway to serve. The sign-in page loads index.html, the styles and the entry with the
// chunks it imports; every other page, and the PKCS#12, CMS and SM2 code, is a chunk fetched
// when first needed. Prints each file's sizes and the sign-in page's total.
// `--watch` rebuilds on change (no hashes, no compression). The gateway serves dist/ at /.
// `--check` bundles in memory and writes nothing (`npm run lint` runs it): it fails when a
// module the portal imports cannot run in a browser, e.g. a `node:` import in the domain.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const watch = process.argv.includes('--watch');
const check = process.argv.includes('--check');

// The domain and the core modules from source (ES modules): bundled that way, the ASN.1
// schemas tree-shake; their compiled CommonJS would pull in all of zod. Their index files
// only re-export, so they are declared side-effect free: otherwise a chunk that uses one
// schema of the domain's index (the sign-in page) gets every module it names (the CMS,
// X.509 and SM2 code, 270 KB); the subjects' index files it re-exports need no flag (the
// bundle measured the same). Declaring the ASN.1 packages and tslib so as well broke their
// decorators: only the index files. `@clearance/domain/node` is not here: it needs Node.
const DOMAIN_SRC = join(here, '..', 'domain', 'src');
const SOURCES = {
  '@clearance/domain': join(DOMAIN_SRC, 'index.ts'),
  '@clearance/domain/seal-devices': join(DOMAIN_SRC, 'seals', 'devices', 'index.ts'),
  '@clearance/core': join(here, '..', 'core', 'src', 'index.ts'),
};
const sharedFromSource = {
  name: 'shared-from-source',
  setup(build) {
    build.onResolve({ filter: /^@clearance\/(domain|domain\/seal-devices|core)$/ }, (args) => ({
      path: SOURCES[args.path],
      sideEffects: false,
    }));
  },
};

// `import { z } from 'zod'` takes zod's namespace object, which a bundler cannot shake: all of
// zod (every locale, JSON Schema) came along, 450 KB. Read as `import * as z` (the same
// names), only what is used stays (about 100 KB).
const zodNamespace = {
  name: 'zod-namespace',
  setup(build) {
    build.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const text = await readFile(args.path, 'utf8');
      return {
        contents: text.replace(/^import \{ z \} from 'zod';$/m, "import * as z from 'zod';"),
        loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts',
      };
    });
  },
};

const options = {
  absWorkingDir: here,
  entryPoints: { app: join(here, 'src', 'main.tsx') },
  outdir: dist,
  entryNames: watch ? '[name]' : '[name]-[hash]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: !watch,
  sourcemap: true,
  legalComments: 'linked',
  metafile: true,
  // The chaincode's compiled modules read no environment; keep bundlers from guessing.
  define: { 'process.env.NODE_ENV': watch ? '"development"' : '"production"' },
  logLevel: watch ? 'info' : 'warning',
  plugins: [sharedFromSource, zodNamespace],
};

const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 8).toUpperCase();

/** index.html naming the hashed entry and styles, with the entry's static chunks preloaded. */
function page(template, entry, styles, preload) {
  const links = preload.map((f) => `    <link rel="modulepreload" href="${f}" />`).join('\n');
  return template
    .replace('href="styles.css"', `href="${styles}"`)
    .replace('src="app.js"', `src="${entry}"`)
    .replace('  </head>', `${links ? `${links}\n` : ''}  </head>`);
}

/** The entry and every chunk it imports statically (what a page loads before it runs). */
function staticClosure(outputs, entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of outputs[file]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  return [...seen];
}

async function precompress(file) {
  const bytes = await readFile(file);
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  const gz = gzipSync(bytes, { level: 9 });
  await writeFile(`${file}.br`, br);
  await writeFile(`${file}.gz`, gz);
  return { raw: bytes.length, br: br.length, gz: gz.length };
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);

if (watch) {
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  const template = await readFile(join(here, 'static', 'index.html'), 'utf8');
  await writeFile(join(dist, 'index.html'), template);
  await writeFile(join(dist, 'styles.css'), await readFile(join(here, 'static', 'styles.css')));
  const context = await esbuild.context(options);
  await context.watch();
} else if (check) {
  const result = await esbuild.build({ ...options, write: false }).catch(() => process.exit(1)); // esbuild has printed each error with its place
  const bytes = result.outputFiles.reduce((n, f) => n + f.contents.length, 0);
  console.log(`portal: the bundle builds (${(bytes / 1024).toFixed(0)} KiB, nothing written)`);
} else {
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  const result = await esbuild.build(options);
  const outputs = result.metafile.outputs;
  const rel = (file) => relative(dist, join(here, file)).split('\\').join('/');
  const entryOut = Object.keys(outputs).find((f) => outputs[f].entryPoint?.endsWith('main.tsx'));
  const css = await readFile(join(here, 'static', 'styles.css'));
  const styles = `styles-${hash(css)}.css`;
  await writeFile(join(dist, styles), css);
  const loaded = staticClosure(outputs, entryOut).map(rel);
  const template = await readFile(join(here, 'static', 'index.html'), 'utf8');
  await writeFile(join(dist, 'index.html'), page(template, rel(entryOut), styles, loaded.slice(1)));

  const files = ['index.html', styles, ...Object.keys(outputs).map(rel)].filter(
    (f) => f.endsWith('.js') || f.endsWith('.css') || f.endsWith('.html'),
  );
  const sizes = {};
  for (const f of files) sizes[f] = await precompress(join(dist, f));
  const signIn = ['index.html', styles, ...loaded];
  const total = (key, list) => list.reduce((n, f) => n + sizes[f][key], 0);
  console.log('portal: dist/ written          raw    gzip  brotli');
  for (const f of files.sort((a, b) => sizes[b].raw - sizes[a].raw))
    console.log(
      `  ${(signIn.includes(f) ? '* ' : '  ') + basename(f).padEnd(26)}${kib(sizes[f].raw)}${kib(sizes[f].gz)}${kib(sizes[f].br)}`,
    );
  console.log(
    `portal: the sign-in page (* above) loads ${kib(total('raw', signIn)).trim()}: ${kib(total('gz', signIn)).trim()} gzip, ${kib(total('br', signIn)).trim()} brotli; all files ${kib(total('raw', files)).trim()}`,
  );
}
