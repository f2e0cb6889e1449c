/**
 * Three-level PKIs made in code, as the two sides really have them: Hong Kong RSA-2048
 * root → e-Cert issuing CA → trader, Guangdong SM2 root → issuing CA → trader, mixed chains
 * (RSA over SM2 and SM2 over RSA), and the bad CAs a path validator must refuse, each in
 * its own path. Every CA issues a CRL; a signer carries its intermediates and their CRLs in
 * the CMS unless told otherwise.
 */
import {
  signDetached,
  type SignOptions,
  type KeyKind,
  type TrustAnchor,
  type Jurisdiction,
} from '@clearance/domain';
import { KEY_USAGE, makeCertificate, makeCrl, newKey, type TestCertificate } from './cert-builder';
import { ACCEPTED_POLICIES, TEST_POLICIES } from './test-pki';

const DAY = 24 * 3600_000;
const CA_USAGE = KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign;
const SIGNER_USAGE = KEY_USAGE.digitalSignature | KEY_USAGE.nonRepudiation;

export interface ChainSigner {
  leaf: TestCertificate;
  /** CA certificates between the leaf and the root (nearest first). */
  intermediates: Uint8Array[];
  /** CRLs of those CAs (each CA's CRL, nearest first). */
  crls: Uint8Array[];
  /**
   * A detached CMS over `content`, carrying the intermediates and their CRLs unless
   * `carry` is false; `options` shape the CMS (SM2 user ID, GB/T 35275 OIDs, ...).
   */
  sign(
    content: Uint8Array,
    options?: SignOptions & { carry?: boolean; at?: Date },
  ): Promise<Uint8Array>;
}

export interface TestChain {
  jurisdiction: Jurisdiction;
  root: TestCertificate;
  intermediate: TestCertificate;
  rootCrl: Uint8Array;
  intermediateCrl: Uint8Array;
  trader: ChainSigner;
  /** The root on the trust list (its CRL; with `listIntermediate` also the CA and its CRL). */
  anchorAtRoot(options?: { listIntermediate?: boolean; authorityId?: string }): TrustAnchor;
  /** The issuing CA on the trust list, with its CRL. */
  anchorAtIntermediate(options?: { authorityId?: string }): TrustAnchor;
}

/** Bad paths under the Guangdong SM2 root (and one under the HK RSA root), one check each. */
export const BAD_PATH_CASES = {
  intermediateRevoked: 'CA_REVOKED',
  intermediateExpired: 'CA_EXPIRED',
  intermediateWithoutKeyCertSign: 'CA_NO_KEY_CERT_SIGN',
  pathLengthExceeded: 'PATH_LENGTH_EXCEEDED',
  lookAlikeIntermediate: 'ISSUER_KEY_MISMATCH',
  lookAlikeWithoutKeyId: 'ISSUER_KEY_MISMATCH',
  unknownCriticalExtension: 'UNKNOWN_CRITICAL_EXTENSION',
  issuedByEndEntity: 'CA_NOT_A_CA',
} as const;
export type BadPathCase = keyof typeof BAD_PATH_CASES;

export interface ChainPki {
  now: number;
  hk: TestChain;
  gd: TestChain;
  /** HK RSA root over an SM2 issuing CA and SM2 trader. */
  rsaOverSm2: TestChain;
  /** GD SM2 root over an RSA issuing CA and RSA trader. */
  sm2OverRsa: TestChain;
  /** Signers whose path under gd.root fails one check (BAD_PATH_CASES). */
  bad: Record<BadPathCase, ChainSigner>;
}

function chainSigner(
  leaf: TestCertificate,
  cas: TestCertificate[],
  crls: Uint8Array[],
): ChainSigner {
  return {
    leaf,
    intermediates: cas.map((c) => c.der),
    crls,
    sign: (content, options = {}) => {
      const carry = options.carry ?? true;
      return signDetached(content, leaf.der, leaf.key.signingKey, options.at ?? new Date(), {
        ...options,
        ...(carry ? { certificates: cas.map((c) => c.der), crls } : {}),
      });
    },
  };
}

interface Window {
  notBefore: Date;
  notAfter: Date;
}

async function ca(
  subject: string,
  kind: KeyKind,
  issuer: TestCertificate | undefined,
  valid: Window,
  extra: Partial<Parameters<typeof makeCertificate>[0]> = {},
): Promise<TestCertificate> {
  return makeCertificate({
    subject,
    key: await newKey(kind),
    ...(issuer ? { issuer } : {}),
    ...valid,
    ca: { pathLength: issuer ? 0 : 2 },
    keyUsage: CA_USAGE,
    ...extra,
  });
}

async function crlOf(issuer: TestCertificate, now: number, revoked: TestCertificate[] = []) {
  return makeCrl({
    issuer,
    thisUpdate: new Date(now - 3600_000),
    nextUpdate: new Date(now + 7 * DAY),
    revoked: revoked.map((c) => ({ serial: c.serial, at: new Date(now - 2 * 3600_000) })),
  });
}

async function buildChain(
  id: string,
  jurisdiction: Jurisdiction,
  kinds: [KeyKind, KeyKind, KeyKind],
  names: { root: string; ca: string; trader: string },
  now: number,
): Promise<TestChain> {
  const valid = { notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + 365 * DAY) };
  const root = await ca(names.root, kinds[0], undefined, valid);
  const intermediate = await ca(names.ca, kinds[1], root, valid);
  const leaf = await makeCertificate({
    subject: names.trader,
    key: await newKey(kinds[2]),
    issuer: intermediate,
    ...valid,
    keyUsage: SIGNER_USAGE,
    policies: [jurisdiction === 'HK' ? TEST_POLICIES.HK_ECERT : TEST_POLICIES.GD_TRADER],
  });
  const rootCrl = await crlOf(root, now);
  const intermediateCrl = await crlOf(intermediate, now);
  const base = { jurisdiction, active: true, acceptedPolicies: ACCEPTED_POLICIES[jurisdiction] };
  const chain: TestChain = {
    jurisdiction,
    root,
    intermediate,
    rootCrl,
    intermediateCrl,
    trader: chainSigner(leaf, [intermediate], [intermediateCrl]),
    anchorAtRoot: (options = {}) => ({
      ...base,
      authorityId: options.authorityId ?? `${id}-ROOT`,
      certificate: root.der,
      crl: chain.rootCrl,
      ...(options.listIntermediate
        ? { caCertificates: [intermediate.der], crls: [intermediateCrl] }
        : {}),
    }),
    anchorAtIntermediate: (options = {}) => ({
      ...base,
      authorityId: options.authorityId ?? `${id}-CA`,
      certificate: intermediate.der,
      crl: intermediateCrl,
    }),
  };
  return chain;
}

const GD_NAMES = {
  root: 'CN=GD SM2 Test Root CA, O=Guangdong CA Test, C=CN',
  ca: 'CN=GD SM2 Test Issuing CA, O=Guangdong CA Test, C=CN',
  trader: 'CN=GD SM2 Trader, O=Pearl River Trading Ltd, C=CN',
};

async function badCases(gd: TestChain, now: number): Promise<Record<BadPathCase, ChainSigner>> {
  const valid = { notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + 365 * DAY) };
  const trader = async (
    issuer: TestCertificate,
    extra: Partial<Parameters<typeof makeCertificate>[0]> = {},
  ) =>
    makeCertificate({
      subject: 'CN=GD Trader Under Test, O=Pearl River Trading Ltd, C=CN',
      key: await newKey('SM2'),
      issuer,
      ...valid,
      keyUsage: SIGNER_USAGE,
      policies: [TEST_POLICIES.GD_TRADER],
      ...extra,
    });
  const underRoot = async (
    subject: string,
    extra: Partial<Parameters<typeof makeCertificate>[0]> = {},
    leafExtra: Partial<Parameters<typeof makeCertificate>[0]> = {},
  ) => {
    const sub = await ca(subject, 'SM2', gd.root, valid, extra);
    const leaf = await trader(sub, leafExtra);
    return { sub, leaf, crl: await crlOf(sub, now) };
  };

  const revoked = await underRoot('CN=GD Revoked Issuing CA, C=CN');
  const expired = await underRoot(
    'CN=GD Expired Issuing CA, C=CN',
    { notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - DAY) },
    { notBefore: new Date(now - 30 * DAY) },
  );
  const noCertSign = await underRoot('CN=GD CRL-only CA, C=CN', {
    keyUsage: KEY_USAGE.cRLSign | KEY_USAGE.digitalSignature,
  });
  // root (pathLen 2) → CA (pathLen 0) → sub-CA → trader: one CA too many below the first.
  const deep = await underRoot('CN=GD Level 1 CA, C=CN');
  const deeper = await ca('CN=GD Level 2 CA, C=CN', 'SM2', deep.sub, valid);
  const deepLeaf = await trader(deeper);
  const critical = await trader(gd.intermediate, {
    extraExtensions: [{ oid: '1.3.6.1.4.1.55555.7.1', critical: true, value: Uint8Array.of(5, 0) }],
  });
  // Same name as the real issuing CA, another key, claiming the real root as its issuer.
  const lookAlike = await ca(GD_NAMES.ca, 'SM2', undefined, valid, { issuerName: GD_NAMES.root });
  const lookAlikeLeaf = await trader(lookAlike);
  const lookAlikeNoId = await trader(lookAlike, { noAuthorityKeyId: true });
  const endEntity = await trader(gd.intermediate, { subject: 'CN=GD End Entity, C=CN' });
  const underEndEntity = await trader(endEntity);

  // The root revokes one of its CAs; the others' CRLs are current.
  const rootCrl = await crlOf(gd.root, now, [revoked.sub]);
  const lookAlikeCrl = await crlOf(lookAlike, now);
  const endEntityCrl = await crlOf(endEntity, now);
  gd.rootCrl = rootCrl; // the GD root's CRL now lists the revoked CA
  return {
    intermediateRevoked: chainSigner(revoked.leaf, [revoked.sub], [revoked.crl]),
    intermediateExpired: chainSigner(expired.leaf, [expired.sub], [expired.crl]),
    intermediateWithoutKeyCertSign: chainSigner(
      noCertSign.leaf,
      [noCertSign.sub],
      [noCertSign.crl],
    ),
    pathLengthExceeded: chainSigner(
      deepLeaf,
      [deeper, deep.sub],
      [await crlOf(deeper, now), deep.crl],
    ),
    lookAlikeIntermediate: chainSigner(lookAlikeLeaf, [lookAlike], [lookAlikeCrl]),
    lookAlikeWithoutKeyId: chainSigner(lookAlikeNoId, [lookAlike], [lookAlikeCrl]),
    unknownCriticalExtension: chainSigner(critical, [gd.intermediate], [gd.intermediateCrl]),
    issuedByEndEntity: chainSigner(
      underEndEntity,
      [endEntity, gd.intermediate],
      [endEntityCrl, gd.intermediateCrl],
    ),
  };
}

/** Builds every chain and bad case, valid around `now` (default: the real clock). */
export async function createChainPki(options: { now?: number } = {}): Promise<ChainPki> {
  const now = options.now ?? Date.now();
  const hk = await buildChain(
    'HK-RSA',
    'HK',
    ['RSA', 'RSA', 'RSA'],
    {
      root: 'CN=HK Test Root CA 2, O=Hongkong Post Test, C=HK',
      ca: 'CN=HK Test e-Cert CA 2, O=Hongkong Post Test, C=HK',
      trader: 'CN=HK RSA Trader, O=Pearl River Trading Ltd, C=HK',
    },
    now,
  );
  const gd = await buildChain('GD-SM2', 'GD', ['SM2', 'SM2', 'SM2'], GD_NAMES, now);
  const rsaOverSm2 = await buildChain(
    'MIXED-RSA',
    'GD',
    ['RSA', 'SM2', 'SM2'],
    {
      root: 'CN=Mixed RSA Root, O=Cross Recognition Test, C=HK',
      ca: 'CN=Mixed SM2 Issuing CA, O=Cross Recognition Test, C=CN',
      trader: 'CN=Mixed SM2 Trader, O=Pearl River Trading Ltd, C=CN',
    },
    now,
  );
  const sm2OverRsa = await buildChain(
    'MIXED-SM2',
    'HK',
    ['SM2', 'RSA', 'RSA'],
    {
      root: 'CN=Mixed SM2 Root, O=Cross Recognition Test, C=CN',
      ca: 'CN=Mixed RSA Issuing CA, O=Cross Recognition Test, C=HK',
      trader: 'CN=Mixed RSA Trader, O=Pearl River Trading Ltd, C=HK',
    },
    now,
  );
  const bad = await badCases(gd, now);
  return { now, hk, gd, rsaOverSm2, sm2OverRsa, bad };
}
