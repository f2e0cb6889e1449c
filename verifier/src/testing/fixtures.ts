/**
 * The devnet evidence fixtures (fixtures/devnet-evidence.json, made by
 * `npm run evidence:fixtures`) as fresh copies a test may change. Test support: not built.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Bundle, TrustRoot } from '../bundle';

interface FixtureFile {
  trustRoot: TrustRoot;
  scenario: {
    gd: { declarationId: string; releases: string[] };
    hk: { declarationId: string; releases: string[] };
    oneAgency: { declarationId: string; transactionId: string; validationCode: number };
    crossing: { crossingId: string; transactionId: string };
  };
  systemChannelGenesisBlock: string | null;
  configuration: Bundle['configuration'];
  bundles: Record<BundleName, Omit<Bundle, 'configuration'>>;
}

export type BundleName =
  'gdRelease' | 'consignmentRelease' | 'oneAgencyRelease' | 'crossing' | 'filing';

const FILE = path.join(__dirname, '..', '..', 'fixtures', 'devnet-evidence.json');
let loaded: FixtureFile | undefined;

function file(): FixtureFile {
  loaded ??= JSON.parse(fs.readFileSync(FILE, 'utf8')) as FixtureFile;
  return loaded;
}

/** A bundle of the fixtures, as the builder made it (a deep copy). */
export function fixtureBundle(name: BundleName): Bundle {
  const f = file();
  return structuredClone({ ...f.bundles[name], configuration: f.configuration });
}

export function fixtureTrustRoot(): TrustRoot {
  return structuredClone(file().trustRoot);
}

export function fixtureScenario(): FixtureFile['scenario'] {
  return structuredClone(file().scenario);
}

/** The orderers' system-channel genesis block (another channel of the same network). */
export function systemChannelGenesis(): string {
  const block = file().systemChannelGenesisBlock;
  if (!block) throw new Error('the fixtures have no system-channel block (Fabric 2.3+ devnet)');
  return block;
}
