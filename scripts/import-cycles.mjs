#!/usr/bin/env node
// Fails when the modules under the given folders import each other in a loop. Every static
// import and re-export counts, `import type` too: a loop of types is still a loop in the
// design. Only relative imports are followed (a package cannot import itself by name).
// Usage: node scripts/import-cycles.mjs domain/src [more folders…]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = /\.(ts|tsx|mts)$/;
const SPECIFIER =
  /(?:^|[\s;}])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]/g;

function sourcesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourcesUnder(full);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The file a relative specifier names (`./x` → x.ts, x.tsx or x/index.ts), if it is a source. */
function resolveRelative(from, specifier) {
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (SOURCE.test(candidate) && existsSync(candidate) && statSync(candidate).isFile())
      return candidate;
  }
  return undefined;
}

/** The relative imports of one module's text, as the files they name (comments aside). */
export function importsOf(file, text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|\s)\/\/.*$/gm, '$1');
  const found = [];
  for (const match of code.matchAll(SPECIFIER)) {
    const specifier = match[1] ?? match[2];
    if (!specifier?.startsWith('.')) continue;
    const target = resolveRelative(file, specifier);
    if (target) found.push(target);
  }
  return found;
}

/** Every import loop among `graph`'s modules (one per strongly connected group), as paths. */
export function findCycles(graph) {
  // Tarjan's strongly connected components; a group of two or more, or a module importing
  // itself, is a loop.
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(group.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

export function graphOf(dirs) {
  const graph = new Map();
  for (const dir of dirs)
    for (const file of sourcesUnder(dir))
      graph.set(file, importsOf(file, readFileSync(file, 'utf8')));
  return graph;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    console.error('usage: node scripts/import-cycles.mjs <folder>…');
    process.exit(2);
  }
  const graph = graphOf(dirs.map((d) => resolve(d)));
  const cycles = findCycles(graph);
  for (const group of cycles)
    console.error(`import loop: ${group.map((f) => relative(process.cwd(), f)).join(' ↔ ')}`);
  if (cycles.length > 0) process.exit(1);
  console.log(`import-cycles: no loop among ${graph.size} modules in ${dirs.join(', ')}`);
}
