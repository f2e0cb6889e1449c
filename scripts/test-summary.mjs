#!/usr/bin/env node
// One closing line over the unit, integration and browser runs: "tests: N passed, N failed, N skipped".
// A skipped test fails the run like a failed one: every suite must run on every machine.
import { existsSync, readFileSync } from 'node:fs';

const totals = { passed: 0, failed: 0, skipped: 0 };
const missing = [];
for (const file of [
  'test/artifacts/results-unit.json',
  'test/artifacts/results-integration.json',
  'test/artifacts/results-e2e.json',
]) {
  if (!existsSync(file)) {
    missing.push(file);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  totals.skipped += r.numPendingTests + r.numTodoTests;
}
for (const file of missing)
  console.error(`test summary: ${file} is missing (that run did not finish)`);
if (totals.skipped > 0)
  console.error(`test summary: ${totals.skipped} skipped tests count as failures`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.skipped > 0 || missing.length > 0 ? 1 : 0);
