/**
 * The worst bags of certificates a sign-in or filing can carry, for benchmarks of bounded
 * path building (esign/path.ts): an SM2 signer (the slowest check in JavaScript) under CAs
 * that one name and one key make issue one another, under many names, look-alikes with many
 * keys, large certificates, many CRLs. Each bag fits in the 48 KB a sign-in may send.
 */
import { signDetached } from '@clearance/domain';
import {
  KEY_USAGE,
  makeCertificate,
  makeCrl,
  newKey,
  type TestCertificate,
  type TestKey,
} from './cert-builder';

export interface CertificateBag {
  label: string;
  signer: TestCertificate;
  certificates: Uint8Array[];
  crls: Uint8Array[];
  /** A detached CMS over `content`, carrying the bag. */
  sign(content: Uint8Array): Promise<Uint8Array>;
}

const HOUR = 3600_000;
const valid = () => ({
  notBefore: new Date(Date.now() - HOUR),
  notAfter: new Date(Date.now() + 24 * HOUR),
});
const CA_USAGE = KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign;

async function signerUnder(issuer: TestCertificate, subject = 'CN=Bag Trader, C=CN') {
  return makeCertificate({
    subject,
    key: await newKey('SM2'),
    issuer,
    ...valid(),
    keyUsage: KEY_USAGE.digitalSignature,
    policies: ['1.2.156.112562.9.1.1'],
  });
}

function bag(
  label: string,
  signer: TestCertificate,
  certificates: Uint8Array[],
  crls: Uint8Array[] = [],
): CertificateBag {
  return {
    label,
    signer,
    certificates,
    crls,
    sign: (content) =>
      signDetached(content, signer.der, signer.key.signingKey, new Date(), {
        certificates,
        crls,
      }),
  };
}

async function copies(count: number, subject: string, key: TestKey, extra = 0) {
  const out: TestCertificate[] = [];
  for (let i = 0; i < count; i++)
    out.push(
      await makeCertificate({
        subject,
        key,
        ...valid(),
        ca: {},
        keyUsage: CA_USAGE,
        noAuthorityKeyId: true,
        ...(extra
          ? {
              extraExtensions: [
                { oid: '1.3.6.1.4.1.55555.9', critical: false, value: padding(extra) },
              ],
            }
          : {}),
      }),
    );
  return out;
}

/** An OCTET STRING of `n` bytes (DER), as an extension value. */
function padding(n: number): Uint8Array {
  const head = n < 0x100 ? [0x04, 0x81, n] : [0x04, 0x82, n >> 8, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  return out;
}

/**
 * The bags. `listedName` is the subject of a CA on the trust list: look-alikes of it make
 * the verifier try the listed CA and every carried one.
 */
export async function worstBags(listedName: string): Promise<CertificateBag[]> {
  const out: CertificateBag[] = [];
  // The bag: one name, one SM2 key, as many copies as fit in a sign-in.
  const sameKey = await newKey('SM2');
  const hundred = await copies(100, 'CN=Bag CA, O=Same, C=CN', sameKey);
  out.push(
    bag(
      'one name, one key, 100 copies',
      await signerUnder(hundred[0]!),
      hundred.map((c) => c.der),
    ),
  );
  // The same at the carried limit (the signer is the tenth).
  const nine = await copies(9, 'CN=Bag CA 9, O=Same, C=CN', sameKey);
  out.push(
    bag(
      'one name, one key, 9 copies',
      await signerUnder(nine[0]!),
      nine.map((c) => c.der),
    ),
  );
  // One name (the listed CA's), nine keys: each a look-alike the verifier must check.
  const lookAlikes: TestCertificate[] = [];
  for (let i = 0; i < 9; i++)
    lookAlikes.push(
      await makeCertificate({
        subject: listedName,
        key: await newKey('SM2'),
        ...valid(),
        ca: {},
        keyUsage: CA_USAGE,
        noAuthorityKeyId: true,
      }),
    );
  out.push(
    bag(
      'the listed CA name, 9 keys',
      await signerUnder(lookAlikes.at(-1)!),
      lookAlikes.map((c) => c.der),
    ),
  );
  // Nine names, each CA issuing the next: deeper than any path.
  const deep: TestCertificate[] = [];
  let issuer: TestCertificate | undefined;
  for (let i = 0; i < 9; i++) {
    issuer = await makeCertificate({
      subject: `CN=Deep CA ${i}, C=CN`,
      key: sameKey,
      ...(issuer ? { issuer } : {}),
      ...valid(),
      ca: {},
      keyUsage: CA_USAGE,
    });
    deep.push(issuer);
  }
  out.push(
    bag(
      '9 names, a chain 9 deep',
      await signerUnder(issuer!),
      deep.map((c) => c.der),
    ),
  );
  // Large certificates: nine copies of 4 KB each.
  const large = await copies(9, 'CN=Large CA, C=CN', sameKey, 4000);
  out.push(
    bag(
      'one name, one key, 9 copies of 4 KB',
      await signerUnder(large[0]!),
      large.map((c) => c.der),
    ),
  );
  // Many CRLs: four of 300 entries each, from the copies' CA, with five copies.
  const five = await copies(5, 'CN=CRL CA, C=CN', sameKey);
  const crls = await Promise.all(
    Array.from({ length: 4 }, (_, k) =>
      makeCrl({
        issuer: five[0]!,
        thisUpdate: new Date(Date.now() - (k + 1) * 1000),
        nextUpdate: new Date(Date.now() + HOUR),
        revoked: Array.from({ length: 300 }, (_, i) => ({
          serial: (0x100000 + k * 300 + i).toString(16),
          at: new Date(Date.now() - HOUR),
        })),
      }),
    ),
  );
  out.push(
    bag(
      'one name, one key, 5 copies, 4 CRLs of 300 entries',
      await signerUnder(five[0]!),
      five.map((c) => c.der),
      crls,
    ),
  );
  return out;
}
