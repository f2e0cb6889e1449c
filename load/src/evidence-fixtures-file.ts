import * as path from 'node:path';

/** Where the verifier's devnet fixtures live (written by evidence-fixtures.ts). */
export const FIXTURES_FILE = path.join(
  __dirname,
  '..',
  '..',
  'verifier',
  'fixtures',
  'devnet-evidence.json',
);
