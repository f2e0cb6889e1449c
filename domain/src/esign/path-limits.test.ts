/**
 * Path building is bounded in work: whatever bag of certificates a CMS carries, the
 * verifier refuses it after a fixed number of signature checks, with a coded reason, and the
 * same refusal every time (the chaincode's peers must agree, cached results or not).
 * Signature checks are counted, not timed.
 */
import {
  KEY_USAGE,
  createChainPki,
  makeCertificate,
  makeCrl,
  newKey,
  type ChainPki,
  type TestCertificate,
  type TestKey,
} from '@clearance/testkit/chaincode';
import { canonicalBytes } from '@clearance/core';
import * as crypto from './crypto';
import { signDetached, verifyDetachedSignature } from './cms';
import {
  MAX_CARRIED_CERTIFICATES,
  MAX_CARRIED_CRLS,
  MAX_SIGNATURE_CHECKS,
  type TrustAnchor,
} from './path';

let pki: ChainPki;
beforeAll(async () => {
  pki = await createChainPki();
}, 120_000);

const content = canonicalBytes({ declaration: { declarationId: 'D-BAG-1' } });
const valid = {
  notBefore: new Date(Date.now() - 3600_000),
  notAfter: new Date(Date.now() + 3600_000),
};

/** The refusal (code, reason) and how many signatures were checked to reach it. */
async function refusal(cms: Uint8Array, anchors: TrustAnchor[]) {
  const spy = jest.spyOn(crypto, 'verifySignature');
  try {
    const error = (await verifyDetachedSignature(content, cms, anchors, new Date()).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: string; reason?: string } | undefined;
    return { code: error?.code, reason: error?.reason, checks: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

/** `count` self-issued CA certificates of one name and one key (each "issues" every other). */
async function sameNameSameKey(count: number, key: TestKey, subject: string) {
  const bag: TestCertificate[] = [];
  for (let i = 0; i < count; i++)
    bag.push(
      await makeCertificate({
        subject,
        key,
        ...valid,
        ca: {},
        keyUsage: KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign,
        // Without key identifiers nothing but the signature tells the copies apart.
        noAuthorityKeyId: true,
      }),
    );
  return bag;
}

async function signerUnder(issuer: TestCertificate) {
  return makeCertificate({
    subject: 'CN=Bag Trader, C=CN',
    key: await newKey('SM2'),
    issuer,
    ...valid,
    keyUsage: KEY_USAGE.digitalSignature,
    policies: ['1.2.156.112562.9.1.1'],
  });
}

describe('bounded path building', () => {
  it('refuses a CMS carrying more certificates than the limit before checking any signature', async () => {
    // The bag: as many same-name, same-key SM2 CA certificates as fit in a sign-in.
    const key = await newKey('SM2');
    const bag = await sameNameSameKey(60, key, 'CN=Bag CA, O=Same, C=CN');
    const signer = await signerUnder(bag[0]!);
    const cms = await signDetached(content, signer.der, signer.key.signingKey, new Date(), {
      certificates: bag.map((c) => c.der),
    });
    expect(await refusal(cms, [pki.gd.anchorAtRoot()])).toEqual({
      code: 'SIGNATURE_INVALID',
      reason: 'CMS_CERTIFICATE_LIMIT',
      checks: 0,
    });
  });

  it('refuses a CMS carrying more CRLs than the limit', async () => {
    const crls = await Promise.all(
      Array.from({ length: MAX_CARRIED_CRLS + 1 }, (_, i) =>
        makeCrl({
          issuer: pki.gd.intermediate,
          thisUpdate: new Date(Date.now() - 1000 * (i + 1)),
          nextUpdate: new Date(Date.now() + 3600_000),
        }),
      ),
    );
    const cms = await pki.gd.trader.sign(content, {
      carry: false,
      certificates: pki.gd.trader.intermediates,
      crls,
    });
    expect(await refusal(cms, [pki.gd.anchorAtRoot()])).toMatchObject({
      code: 'SIGNATURE_INVALID',
      reason: 'CMS_CERTIFICATE_LIMIT',
    });
  });

  it('stops a bag of same-name, same-key CAs within the signature-check budget, the same way every time', async () => {
    const key = await newKey('SM2');
    const subject = 'CN=GD Root CA (look-alike), O=Same, C=CN';
    const bag = await sameNameSameKey(MAX_CARRIED_CERTIFICATES - 1, key, subject);
    const signer = await signerUnder(bag[0]!);
    const cms = await signDetached(content, signer.der, signer.key.signingKey, new Date(), {
      certificates: bag.map((c) => c.der),
    });
    const first = await refusal(cms, [pki.gd.anchorAtRoot()]);
    // The CMS signature, then at most the budget of path signatures.
    expect(first.checks).toBeLessThanOrEqual(MAX_SIGNATURE_CHECKS + 1);
    expect(first).toMatchObject({ code: 'CERTIFICATE_REJECTED' });
    // Cached signature results must not change the outcome (peers endorse alike).
    const again = await refusal(cms, [pki.gd.anchorAtRoot()]);
    expect({ code: again.code, reason: again.reason }).toEqual({
      code: first.code,
      reason: first.reason,
    });
  });

  it('stops a chain of many distinct CA names deeper than any path', async () => {
    const key = await newKey('SM2');
    const chain: TestCertificate[] = [];
    let issuer: TestCertificate | undefined;
    for (let i = 0; i < MAX_CARRIED_CERTIFICATES - 1; i++) {
      issuer = await makeCertificate({
        subject: `CN=Deep CA ${i}, C=CN`,
        key,
        ...(issuer ? { issuer } : {}),
        ...valid,
        ca: {},
        keyUsage: KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign,
      });
      chain.push(issuer);
    }
    const signer = await signerUnder(issuer!);
    const cms = await signDetached(content, signer.der, signer.key.signingKey, new Date(), {
      certificates: chain.map((c) => c.der).reverse(),
    });
    const result = await refusal(cms, [pki.gd.anchorAtRoot()]);
    expect(result.checks).toBeLessThanOrEqual(MAX_SIGNATURE_CHECKS + 1);
    expect(result).toMatchObject({ code: 'CERTIFICATE_REJECTED', reason: 'PATH_TOO_LONG' });
  });

  it('stops look-alikes of the listed authority with many keys within the budget', async () => {
    // Every carried CA has the listed root's name and its own key: each costs a check.
    const rootName = 'CN=Look-alike Root, C=CN';
    const bag: TestCertificate[] = [];
    for (let i = 0; i < MAX_CARRIED_CERTIFICATES - 1; i++)
      bag.push(
        await makeCertificate({
          subject: rootName,
          key: await newKey('SM2'),
          ...valid,
          ca: {},
          keyUsage: KEY_USAGE.keyCertSign,
          noAuthorityKeyId: true,
        }),
      );
    const signer = await signerUnder(bag.at(-1)!);
    const cms = await signDetached(content, signer.der, signer.key.signingKey, new Date(), {
      certificates: bag.map((c) => c.der),
    });
    const result = await refusal(cms, [pki.gd.anchorAtRoot()]);
    expect(result.checks).toBeLessThanOrEqual(MAX_SIGNATURE_CHECKS + 1);
    expect(result.code).toBe('CERTIFICATE_REJECTED');
  });

  it('still accepts every good path within the budget', async () => {
    for (const which of ['gd', 'hk', 'rsaOverSm2', 'sm2OverRsa'] as const) {
      const chain = pki[which];
      const cms = await chain.trader.sign(content);
      const spy = jest.spyOn(crypto, 'verifySignature');
      try {
        await expect(
          verifyDetachedSignature(content, cms, [chain.anchorAtRoot()], new Date()),
        ).resolves.toMatchObject({ authorityId: chain.anchorAtRoot().authorityId });
        expect(spy.mock.calls.length).toBeLessThanOrEqual(MAX_SIGNATURE_CHECKS + 1);
      } finally {
        spy.mockRestore();
      }
    }
  });
});
