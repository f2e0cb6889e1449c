#!/usr/bin/env node
// One closing line over the unit, integration and browser runs: "tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of [
  'test/artifacts/results-unit.json',
  'test/artifacts/results-integration.json',
  'test/artifacts/results-e2e.json',
]) {
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + r.numTodoTests;
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
