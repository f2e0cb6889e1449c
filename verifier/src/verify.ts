/**
 * The verifier: every check a bundle must pass, from the pinned genesis block through the
 * configuration chain to the blocks, the transactions, their endorsements and policies,
 * the statements of validity and the facts. Each check is named and answers VALID,
 * INVALID or SKIPPED with a reason; the bundle is valid only when all are VALID. Pure: no
 * network, no clock; what it trusts is the trust root it is given.
 */
import { BUNDLE_VERSION, BundleSchema, TrustRootSchema, type Facts } from './bundle';
import { verifyBlocks } from './check-blocks';
import { verifyConfigurationChain } from './check-configuration';
import { checkFacts, type ExpectedSubject } from './check-facts';
import { verifyTransactions } from './check-transactions';
import { Results, report, type VerificationReport } from './results';

export type { VerificationReport } from './results';

export interface VerifyOptions {
  /** The declaration (release bundles) or crossing the bundle must be about. */
  expect?: ExpectedSubject;
}

/** Verifies a bundle (parsed JSON) against a trust root (parsed JSON). */
export async function verifyBundle(
  bundleInput: unknown,
  trustRootInput: unknown,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const results = new Results();
  const root = TrustRootSchema.safeParse(trustRootInput);
  if (!root.success) {
    results.invalid('bundle.format', 'trust root', 'TRUST_ROOT_MALFORMED', root.error.message);
    return report(results);
  }
  const trustRoot = root.data;
  const parsed = BundleSchema.safeParse(bundleInput);
  if (!parsed.success) {
    const version = (bundleInput as { version?: unknown } | null)?.version;
    const unsupported = typeof version === 'number' && version !== BUNDLE_VERSION;
    results.invalid(
      'bundle.format',
      'bundle',
      unsupported ? 'UNSUPPORTED_VERSION' : 'BUNDLE_MALFORMED',
      unsupported ? `version ${version}` : summarise(parsed.error.issues),
    );
    return report(results, undefined, trustRoot);
  }
  results.valid('bundle.format', 'bundle');
  const bundle = parsed.data;
  if (bundle.channel !== trustRoot.channel)
    results.invalid(
      'configuration.root',
      'bundle',
      'CHANNEL_MISMATCH',
      `channel ${bundle.channel}`,
    );
  const configs = await verifyConfigurationChain(bundle, trustRoot, results);
  const blocks = await verifyBlocks(bundle, configs, results);
  const subjects = await verifyTransactions(bundle, trustRoot, configs, blocks, results);
  let facts: Facts | undefined;
  if (subjects) facts = await checkFacts(bundle, trustRoot, subjects, options.expect, results);
  else results.skipped('facts', 'facts', 'PREREQUISITE_FAILED', 'a subject transaction failed');
  return report(results, facts, trustRoot);
}

function summarise(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
