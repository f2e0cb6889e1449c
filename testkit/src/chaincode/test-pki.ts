/**
 * A test PKI made in code (no committed keys): a Guangdong and a Hong Kong root, each with
 * an issuing CA on the trust list, trader certificates carrying policy OIDs, and the bad
 * cases a verifier must refuse. Hong Kong keys are RSA 2048 (as e-Cert), Guangdong keys
 * ECDSA P-256. Three-level chains, SM2 and mixed RSA/SM2 chains are in chain-pki.ts.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import {
  signDetached,
  type TrustAnchor,
  type CryptoKey,
  type Jurisdiction,
} from '@clearance/domain';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** Policy OIDs used by the test PKI; the HK one lies under the e-Cert arc. */
export const TEST_POLICIES = {
  HK_ECERT: '2.16.344.8.2.2008.810.2.2024.1.1',
  GD_TRADER: '1.2.156.112562.9.1.1',
  UNLISTED: '1.3.6.1.4.1.55555.1.1',
} as const;
export const ACCEPTED_POLICIES: Record<Jurisdiction, string[]> = {
  HK: ['2.16.344.8.2.2008.810.2'],
  GD: ['1.2.156.112562.9.1'],
};

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
type KeyAlg = typeof RSA | typeof EC;
const DAY = 24 * 3600_000;

export interface TestSigner {
  certificatePem: string;
  certificate: Uint8Array;
  privateKey: CryptoKey;
  /** A detached CMS signature over `content`. */
  sign(content: Uint8Array, at?: Date): Promise<Uint8Array>;
}

export interface TestAuthority {
  authorityId: string;
  jurisdiction: Jurisdiction;
  rootPem: string;
  caPem: string;
  caCertificate: Uint8Array;
  crlPem: string;
  crl: Uint8Array;
}

export interface TestPki {
  gd: TestAuthority;
  hk: TestAuthority;
  /** A CA that is not on the trust list. */
  rogue: TestAuthority;
  /**
   * An authority whose CA has the very name of the HK issuing CA (another key, its own root):
   * what a careless or hostile listing would put beside the real one.
   */
  impostor: TestAuthority;
  signers: Record<SignerCase, TestSigner>;
  /** Certificates naming the real HK trader that must never be taken for them. */
  impostors: {
    /** The HK trader's exact subject, issued by the impostor authority's CA. */
    sameNameOtherAuthority: TestSigner;
    /** Under the real HK CA: one RDN, a CN spelling "HK Trader, O=…, C=HK". */
    commaInCommonName: TestSigner;
  };
  /** The trust list the tests recognise: GD and HK, both active. */
  anchors(): TrustAnchor[];
  /** One authority as an active trust anchor. */
  anchor(authority: TestAuthority): TrustAnchor;
}

export const SIGNER_CASES = [
  'gdTrader',
  'hkTrader',
  'expired',
  'notYetValid',
  'revoked',
  'wrongPolicy',
  'unrecognisedCa',
  'wrongKeyUsage',
  'selfSigned',
] as const;
export type SignerCase = (typeof SIGNER_CASES)[number];

let serial = 0x1000;
const nextSerial = (): string => (++serial).toString(16).padStart(8, '0');

async function keys(alg: KeyAlg): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(alg, true, [
    'sign',
    'verify',
  ])) as unknown as webcrypto.CryptoKeyPair;
}

interface Ca {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  alg: KeyAlg;
}

async function root(name: string, alg: KeyAlg, now: number): Promise<Ca> {
  const k = await keys(alg);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name,
    notBefore: new Date(now - 365 * DAY),
    notAfter: new Date(now + 10 * 365 * DAY),
    keys: k,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(k.publicKey, false, webcrypto),
    ],
  });
  return { cert, keys: k, alg };
}

async function issue(
  issuer: Ca,
  subject: string | x509.JsonName,
  alg: KeyAlg,
  options: { ca?: boolean; notBefore: Date; notAfter: Date; usage?: number; policies?: string[] },
): Promise<Ca> {
  const k = await keys(alg);
  const usage =
    options.usage ??
    (options.ca
      ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
      : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject,
    issuer: issuer.cert.subject,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    publicKey: k.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: issuer.alg,
    extensions: [
      new x509.BasicConstraintsExtension(options.ca ?? false, options.ca ? 0 : undefined, true),
      new x509.KeyUsagesExtension(usage, true),
      ...(options.policies ? [new x509.CertificatePolicyExtension(options.policies)] : []),
      // As RFC 5280 asks: CAs name their key, issued certificates name their issuer's.
      ...(options.ca
        ? [await x509.SubjectKeyIdentifierExtension.create(k.publicKey, false, webcrypto)]
        : []),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert, false, webcrypto),
    ],
  });
  return { cert, keys: k, alg };
}

function signer(ca: Ca): TestSigner {
  const certificate = new Uint8Array(ca.cert.rawData);
  return {
    certificatePem: ca.cert.toString('pem'),
    certificate,
    privateKey: ca.keys.privateKey as unknown as CryptoKey,
    sign: (content, at = new Date()) =>
      signDetached(content, certificate, ca.keys.privateKey as unknown as CryptoKey, at),
  };
}

async function authority(
  authorityId: string,
  jurisdiction: Jurisdiction,
  rootCa: Ca,
  issuing: Ca,
  revoked: { serial: string; at: Date }[],
  now: number,
): Promise<TestAuthority> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuing.cert.subject,
    thisUpdate: new Date(now - 3600_000),
    nextUpdate: new Date(now + 7 * DAY),
    entries: revoked.map((r) => ({ serialNumber: r.serial, revocationDate: r.at })),
    signingKey: issuing.keys.privateKey,
    signingAlgorithm: issuing.alg,
  });
  return {
    authorityId,
    jurisdiction,
    rootPem: rootCa.cert.toString('pem'),
    caPem: issuing.cert.toString('pem'),
    caCertificate: new Uint8Array(issuing.cert.rawData),
    crlPem: crl.toString('pem'),
    crl: new Uint8Array(crl.rawData),
  };
}

/**
 * Builds the whole test PKI, valid around `now` (default: the real clock). `idSuffix`
 * makes the authority ids unique, for a ledger that outlives one test run.
 */
export async function createTestPki(
  options: { now?: number; idSuffix?: string } = {},
): Promise<TestPki> {
  const now = options.now ?? Date.now();
  const suffix = options.idSuffix ? `-${options.idSuffix}` : '';
  const valid = { notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + 365 * DAY) };
  const hkRoot = await root('CN=HK Test Root CA, O=Hongkong Post Test, C=HK', RSA, now);
  const hkCa = await issue(hkRoot, 'CN=HK Test e-Cert CA, O=Hongkong Post Test, C=HK', RSA, {
    ...valid,
    ca: true,
  });
  const gdRoot = await root('CN=GD Test Root CA, O=Guangdong CA Test, C=CN', EC, now);
  const gdCa = await issue(gdRoot, 'CN=GD Test Issuing CA, O=Guangdong CA Test, C=CN', EC, {
    ...valid,
    ca: true,
  });
  const impostorRoot = await root('CN=Impostor Root, O=Nobody, C=HK', RSA, now);
  const impostorCa = await issue(
    impostorRoot,
    'CN=HK Test e-Cert CA, O=Hongkong Post Test, C=HK',
    RSA,
    { ...valid, ca: true },
  );
  const rogueRoot = await root('CN=Rogue Root, O=Nobody, C=HK', RSA, now);
  const rogueCa = await issue(rogueRoot, 'CN=Rogue Issuing CA, O=Nobody, C=HK', RSA, {
    ...valid,
    ca: true,
  });

  const hkTrader = { ...valid, policies: [TEST_POLICIES.HK_ECERT] };
  const gdTrader = { ...valid, policies: [TEST_POLICIES.GD_TRADER] };
  const subject = (cn: string, c = 'HK') => `CN=${cn}, O=Pearl River Trading Ltd, C=${c}`;
  const revokedCert = await issue(gdCa, subject('Revoked Trader', 'CN'), EC, gdTrader);
  const revokedSerial = revokedCert.cert.serialNumber;

  const selfKeys = await keys(RSA);
  const selfSigned = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: subject('Self Signer'),
    ...valid,
    keys: selfKeys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.CertificatePolicyExtension([TEST_POLICIES.HK_ECERT]),
    ],
  });

  const signers: Record<SignerCase, TestSigner> = {
    gdTrader: signer(await issue(gdCa, subject('GD Trader', 'CN'), EC, gdTrader)),
    hkTrader: signer(await issue(hkCa, subject('HK Trader'), RSA, hkTrader)),
    expired: signer(
      await issue(hkCa, subject('Expired Trader'), RSA, {
        ...hkTrader,
        notBefore: new Date(now - 400 * DAY),
        notAfter: new Date(now - DAY),
      }),
    ),
    notYetValid: signer(
      await issue(hkCa, subject('Future Trader'), RSA, {
        ...hkTrader,
        notBefore: new Date(now + 30 * DAY),
        notAfter: new Date(now + 400 * DAY),
      }),
    ),
    revoked: signer(revokedCert),
    wrongPolicy: signer(
      await issue(hkCa, subject('Unlisted Policy Trader'), RSA, {
        ...valid,
        policies: [TEST_POLICIES.UNLISTED],
      }),
    ),
    unrecognisedCa: signer(await issue(rogueCa, subject('Rogue Trader'), RSA, hkTrader)),
    wrongKeyUsage: signer(
      await issue(hkCa, subject('Encryption Only'), RSA, {
        ...hkTrader,
        usage: x509.KeyUsageFlags.keyEncipherment,
      }),
    ),
    selfSigned: signer({ cert: selfSigned, keys: selfKeys, alg: RSA }),
  };

  const gd = await authority(
    `GD-TEST-CA${suffix}`,
    'GD',
    gdRoot,
    gdCa,
    [{ serial: revokedSerial, at: new Date(now - 3600_000) }],
    now,
  );
  const hk = await authority(`HK-TEST-ECERT${suffix}`, 'HK', hkRoot, hkCa, [], now);
  const rogue = await authority(`ROGUE${suffix}`, 'HK', rogueRoot, rogueCa, [], now);
  const impostor = await authority(`IMPOSTOR${suffix}`, 'HK', impostorRoot, impostorCa, [], now);
  const impostors = {
    sameNameOtherAuthority: signer(await issue(impostorCa, subject('HK Trader'), RSA, hkTrader)),
    commaInCommonName: signer(
      await issue(hkCa, [{ CN: ['HK Trader, O=Pearl River Trading Ltd, C=HK'] }], RSA, hkTrader),
    ),
  };
  const anchor = (a: TestAuthority): TrustAnchor => ({
    authorityId: a.authorityId,
    jurisdiction: a.jurisdiction,
    active: true,
    certificate: a.caCertificate,
    acceptedPolicies: ACCEPTED_POLICIES[a.jurisdiction],
    crl: a.crl,
  });
  return {
    gd,
    hk,
    rogue,
    impostor,
    signers,
    impostors,
    anchors: () => [anchor(gd), anchor(hk)],
    anchor,
  };
}
