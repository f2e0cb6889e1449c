/**
 * Certification paths on PKIs made in code: three-level RSA-2048 (HK) and SM2 (GD) chains
 * listed at the root and at the intermediate, mixed chains, and each bad path refused with
 * its own reason.
 */
import {
  BAD_PATH_CASES,
  createChainPki,
  type ChainPki,
  KEY_USAGE,
  makeCertificate,
  makeCrl,
  newKey,
} from '@clearance/testkit/chaincode';
import { canonicalBytes } from '@clearance/core';
import { signDetached, verifyDetachedSignature, type SignOptions } from './cms';
import { parseCertificate } from './x509';

let pki: ChainPki;
beforeAll(async () => {
  pki = await createChainPki();
}, 120_000);

const content = canonicalBytes({ declaration: { declarationId: 'D-PATH-1', note: '粵港' } });
const now = () => new Date();
const reasonOf = async (promise: Promise<unknown>) => {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code?: string; reason?: string; detail?: string } | undefined;
  return error && { code: error.code, reason: error.reason, detail: error.detail };
};

describe('certification paths to a listed root or intermediate', () => {
  it.each([
    ['HK RSA-2048', 'hk', 'sha256WithRSAEncryption', 'HK'],
    ['GD SM2', 'gd', 'SM3withSM2', 'GD'],
    ['RSA root over SM2 CA', 'rsaOverSm2', 'SM3withSM2', 'GD'],
    ['SM2 root over RSA CA', 'sm2OverRsa', 'sha256WithRSAEncryption', 'HK'],
  ] as const)('%s: listed at the root and at the intermediate', async (_, which, alg, juris) => {
    const chain = pki[which];
    const cms = await chain.trader.sign(content);
    const atRoot = await verifyDetachedSignature(content, cms, [chain.anchorAtRoot()], now());
    expect(atRoot).toMatchObject({
      authorityId: `${chain.anchorAtRoot().authorityId}`,
      jurisdiction: juris,
      signatureAlgorithm: alg,
      certificationPath: [chain.trader.leaf, chain.intermediate, chain.root].map(
        (c) => parseCertificate(c.der).subject,
      ),
    });
    expect(atRoot.certificationPath).toHaveLength(3);
    const atCa = await verifyDetachedSignature(content, cms, [chain.anchorAtIntermediate()], now());
    expect(atCa.authorityId).toBe(chain.anchorAtIntermediate().authorityId);
    expect(atCa.certificationPath).toHaveLength(2);
  });

  it('ignores the root and unrelated certificates the CMS carries besides the path', async () => {
    const { gd, hk } = pki;
    const cms = await gd.trader.sign(content, {
      certificates: [hk.intermediate.der, gd.root.der, gd.intermediate.der, hk.root.der],
      crls: [hk.intermediateCrl, gd.intermediateCrl],
      carry: false,
    });
    const evidence = await verifyDetachedSignature(
      content,
      cms,
      [hk.anchorAtRoot(), gd.anchorAtRoot()],
      now(),
    );
    expect(evidence.authorityId).toBe(gd.anchorAtRoot().authorityId);
    expect(evidence.certificationPath).toHaveLength(3);
  });

  it('builds through CA certificates and CRLs on the trust list when the CMS carries none', async () => {
    const cms = await pki.gd.trader.sign(content, { carry: false });
    const bare = await reasonOf(
      verifyDetachedSignature(content, cms, [pki.gd.anchorAtRoot()], now()),
    );
    expect(bare).toMatchObject({ code: 'CERTIFICATE_REJECTED', reason: 'ISSUER_UNKNOWN' });
    const evidence = await verifyDetachedSignature(
      content,
      cms,
      [pki.gd.anchorAtRoot({ listIntermediate: true })],
      now(),
    );
    expect(evidence.certificationPath).toHaveLength(3);
  });

  it('needs a current CRL signed by each CA of the path; carried ones that are not are ignored', async () => {
    const { gd } = pki;
    const noCaCrl = await gd.trader.sign(content, {
      certificates: [gd.intermediate.der],
      carry: false,
    });
    expect(
      await reasonOf(verifyDetachedSignature(content, noCaCrl, [gd.anchorAtRoot()], now())),
    ).toMatchObject({ reason: 'CRL_MISSING' });
    // A CRL with the CA's name signed by the root's key, and a stale one signed by the CA.
    const forged = await makeCrl({
      issuer: { ...gd.intermediate, key: gd.root.key },
      thisUpdate: new Date(Date.now() - 3600_000),
      nextUpdate: new Date(Date.now() + 3600_000),
    });
    const stale = await makeCrl({
      issuer: gd.intermediate,
      thisUpdate: new Date(Date.now() - 10 * 24 * 3600_000),
      nextUpdate: new Date(Date.now() - 24 * 3600_000),
    });
    for (const crl of [forged, stale]) {
      const cms = await gd.trader.sign(content, {
        certificates: [gd.intermediate.der],
        crls: [crl],
        carry: false,
      });
      expect(
        await reasonOf(verifyDetachedSignature(content, cms, [gd.anchorAtRoot()], now())),
      ).toMatchObject({ reason: 'CRL_MISSING' });
    }
    // The root's CRL on the trust list: signed by another CA, or stale, each says so.
    const cms = await gd.trader.sign(content);
    const staleRootCrl = await makeCrl({
      issuer: gd.root,
      thisUpdate: new Date(Date.now() - 10 * 24 * 3600_000),
      nextUpdate: new Date(Date.now() - 24 * 3600_000),
    });
    for (const [crl, reason] of [
      [stale, 'CRL_SIGNATURE_INVALID'],
      [staleRootCrl, 'CRL_NOT_CURRENT'],
    ] as const) {
      const anchor = { ...gd.anchorAtRoot(), crl };
      expect(await reasonOf(verifyDetachedSignature(content, cms, [anchor], now()))).toMatchObject({
        reason,
      });
    }
  });

  it.each(Object.entries(BAD_PATH_CASES))('refuses %s with %s', async (which, reason) => {
    const signer = pki.bad[which as keyof typeof BAD_PATH_CASES];
    const cms = await signer.sign(content);
    const anchors = [pki.gd.anchorAtRoot({ listIntermediate: true })];
    expect(await reasonOf(verifyDetachedSignature(content, cms, anchors, now()))).toMatchObject({
      code: 'CERTIFICATE_REJECTED',
      reason,
    });
  });

  it('never lets a look-alike of a listed intermediate match it', async () => {
    const cms = await pki.bad.lookAlikeIntermediate.sign(content);
    for (const anchors of [
      [pki.gd.anchorAtIntermediate()],
      [pki.gd.anchorAtRoot()],
      [pki.gd.anchorAtIntermediate(), pki.gd.anchorAtRoot({ listIntermediate: true })],
    ]) {
      expect(await reasonOf(verifyDetachedSignature(content, cms, anchors, now()))).toMatchObject({
        reason: 'ISSUER_KEY_MISMATCH',
      });
    }
  });

  it('judges an intermediate at the time of the check: valid then, accepted then', async () => {
    // The expired CA was valid 30 days ago but the CRLs were not yet issued: the refusal
    // moves from the CA's expiry to the revocation status.
    const cms = await pki.bad.intermediateExpired.sign(content);
    const then = new Date(Date.now() - 20 * 24 * 3600_000);
    expect(
      await reasonOf(verifyDetachedSignature(content, cms, [pki.gd.anchorAtRoot()], then)),
    ).toMatchObject({ reason: expect.stringMatching(/^CRL_/) });
  });

  it('never builds a path through the same CA twice (one name, one key, many copies)', async () => {
    // Nine CA certificates of one name and one key: each verifies as the issuer of every
    // other, so some 9^5 paths would run through them; a CA already in the path (same name
    // and key) is never taken again, so the search ends after the first.
    const key = await newKey('P-256');
    const valid = {
      notBefore: new Date(Date.now() - 3600_000),
      notAfter: new Date(Date.now() + 3600_000),
    };
    const loop = [];
    for (let i = 0; i < 9; i++)
      loop.push(
        await makeCertificate({
          subject: 'CN=Loop CA',
          key,
          ...valid,
          ca: {},
          keyUsage: KEY_USAGE.keyCertSign,
        }),
      );
    // Self-issued, none listed: no path ends at an authority.
    const looper = await makeCertificate({
      subject: 'CN=Looper, C=CN',
      key: await newKey('P-256'),
      issuer: loop[0],
      ...valid,
      keyUsage: KEY_USAGE.digitalSignature,
    });
    const cms = await signDetached(content, looper.der, looper.key.signingKey, new Date(), {
      certificates: loop.map((c) => c.der),
    });
    expect(
      await reasonOf(verifyDetachedSignature(content, cms, [pki.gd.anchorAtRoot()], now())),
    ).toMatchObject({ code: 'CERTIFICATE_REJECTED', reason: 'ISSUER_UNKNOWN' });
  });

  it('refuses a withdrawn root for the whole path', async () => {
    const cms = await pki.hk.trader.sign(content);
    const withdrawn = { ...pki.hk.anchorAtRoot(), active: false };
    expect(await reasonOf(verifyDetachedSignature(content, cms, [withdrawn], now()))).toMatchObject(
      {
        reason: 'AUTHORITY_WITHDRAWN',
      },
    );
  });
});

describe('SM2 CMS signatures', () => {
  it.each<[string, SignOptions]>([
    ['RFC 5652 OIDs, signed attributes', {}],
    ['GB/T 35275 OIDs, signed attributes', { gbt35275: true }],
    ['RFC 5652 OIDs, no signed attributes', { signedAttributes: false }],
    ['GB/T 35275 OIDs, no signed attributes', { gbt35275: true, signedAttributes: false }],
  ])('accepts %s', async (_, options) => {
    const cms = await pki.gd.trader.sign(content, options);
    const evidence = await verifyDetachedSignature(content, cms, [pki.gd.anchorAtRoot()], now());
    expect(evidence.signatureAlgorithm).toBe('SM3withSM2');
    expect(evidence.signingTime === undefined).toBe(options.signedAttributes === false);
  });

  it('refuses content altered under an SM2 signature', async () => {
    const altered = canonicalBytes({ declaration: { declarationId: 'D-PATH-2', note: '粵港' } });
    const withAttributes = await pki.gd.trader.sign(content);
    expect(
      await reasonOf(
        verifyDetachedSignature(altered, withAttributes, [pki.gd.anchorAtRoot()], now()),
      ),
    ).toMatchObject({ code: 'SIGNATURE_INVALID', reason: 'CONTENT_MISMATCH' });
    const bare = await pki.gd.trader.sign(content, { signedAttributes: false });
    expect(
      await reasonOf(verifyDetachedSignature(altered, bare, [pki.gd.anchorAtRoot()], now())),
    ).toMatchObject({ code: 'SIGNATURE_INVALID', reason: 'SIGNATURE_MISMATCH' });
  });

  it.each([
    ['another user ID', 'trader@example.cn', 'SIGNATURE_MISMATCH'],
    ['an empty user ID (OpenSSL 3.0 without distid)', '', 'SM2_USER_ID_MISMATCH'],
  ])('refuses an SM2 signature made with %s', async (_, userId, reason) => {
    const cms = await pki.gd.trader.sign(content, {
      sm2UserId: new TextEncoder().encode(userId),
    });
    expect(
      await reasonOf(verifyDetachedSignature(content, cms, [pki.gd.anchorAtRoot()], now())),
    ).toMatchObject({ code: 'SIGNATURE_INVALID', reason });
  });
});
