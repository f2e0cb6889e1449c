import type { CheckResult } from '@clearance/verifier';
import { EVIDENCE_WORDS } from '../evidence/words';
import { headlineOf } from './headline';

const invalid = (check: CheckResult['check'], reason: CheckResult['reason']): CheckResult => ({
  check,
  target: 'x',
  status: 'INVALID',
  reason,
});

describe("the verify page's headline", () => {
  it('says valid only for a valid report', () => {
    expect(headlineOf({ valid: true, checks: [] })).toBe('verify.valid');
    expect(headlineOf({ valid: false, checks: [] })).toBe('verify.invalid');
  });

  it('names tampering, invalid by the peers, another network, another subject', () => {
    const one = (c: CheckResult) => headlineOf({ valid: false, checks: [c], failed: c });
    expect(one(invalid('block.data-hash', 'DATA_HASH_MISMATCH'))).toBe('verify.tampered');
    expect(one(invalid('transaction.endorsements', 'ENDORSEMENT_SIGNATURE_INVALID'))).toBe(
      'verify.tampered',
    );
    expect(one(invalid('facts', 'CLAIMS_NOT_ATTESTED'))).toBe('verify.tampered');
    expect(one(invalid('configuration.root', 'ROOT_MISMATCH'))).toBe('verify.otherNetwork');
    expect(one(invalid('facts', 'OTHER_DECLARATION'))).toBe('verify.notAbout');
    expect(one(invalid('transaction.endorsement-policy', 'POLICY_NOT_SATISFIED'))).toBe(
      'verify.invalid',
    );
  });

  it("puts the peers' statement of invalidity first (the one-agency release)", () => {
    const policy = invalid('transaction.endorsement-policy', 'POLICY_NOT_SATISFIED');
    const peers = invalid('transaction.validity', 'TX_INVALID');
    expect(headlineOf({ valid: false, checks: [policy, peers], failed: policy })).toBe(
      'verify.invalidByPeers',
    );
  });
});

describe('the evidence words', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  it('say the same things in each language, with the same placeholders', () => {
    for (const [key, english] of Object.entries(EVIDENCE_WORDS.en))
      for (const locale of ['zh-HK', 'zh-CN'] as const) {
        const text = EVIDENCE_WORDS[locale][key as keyof typeof EVIDENCE_WORDS.en];
        expect(text.trim()).not.toBe('');
        expect({ key, names: placeholders(text) }).toEqual({ key, names: placeholders(english) });
      }
  });
});
