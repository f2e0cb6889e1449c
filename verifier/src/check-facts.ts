/** The facts: what the statements signed, and what the subjects' writes state. */
import { canonicalJson } from '@clearance/core';
import { claimsDigest } from './attestation';
import type { Bundle, Facts, TrustRoot } from './bundle';
import { factsOf, type SubjectTransaction } from './facts';
import type { Results } from './results';

/** The declaration (release bundles) or crossing a bundle must be about. */
export interface ExpectedSubject {
  declarationId?: string;
  crossingId?: string;
}

export async function checkFacts(
  bundle: Bundle,
  trustRoot: TrustRoot,
  subjects: SubjectTransaction[],
  expected: ExpectedSubject | undefined,
  results: Results,
): Promise<Facts | undefined> {
  // Every statement names the claims it was made for: a changed fact, transaction reference
  // or source is one no organisation signed.
  const digest = await claimsDigest(bundle);
  const unsigned = bundle.attestations.filter((a) => a.statement.claims !== digest);
  if (bundle.attestations.length === 0 || unsigned.length > 0) {
    results.invalid(
      'facts',
      'facts',
      'CLAIMS_NOT_ATTESTED',
      unsigned.map((a) => a.signer.mspId).join(', ') || 'no statement',
    );
    return undefined;
  }
  const computed = factsOf(bundle.facts.kind, subjects, trustRoot.chaincode);
  if (!computed.ok) {
    results.invalid('facts', 'facts', computed.reason, computed.detail);
    return undefined;
  }
  if (canonicalJson(computed.facts) !== canonicalJson(bundle.facts)) {
    results.invalid(
      'facts',
      'facts',
      'FACTS_MISMATCH',
      'the stated facts are not what was written',
    );
    return undefined;
  }
  const facts = computed.facts;
  const wanted = expected;
  if (wanted?.declarationId !== undefined) {
    const ids =
      facts.kind === 'release'
        ? facts.declarations.map((d) => d.declarationId)
        : facts.kind === 'crossing'
          ? facts.declarationIds
          : [];
    if (!ids.includes(wanted.declarationId)) {
      results.invalid('facts', 'facts', 'OTHER_DECLARATION', `about ${ids.join(', ') || 'none'}`);
      return undefined;
    }
  }
  if (
    wanted?.crossingId !== undefined &&
    (facts.kind !== 'crossing' || facts.crossingId !== wanted.crossingId)
  ) {
    results.invalid(
      'facts',
      'facts',
      'OTHER_CROSSING',
      facts.kind === 'crossing' ? facts.crossingId : facts.kind,
    );
    return undefined;
  }
  results.valid('facts', 'facts', facts.kind);
  return facts;
}
