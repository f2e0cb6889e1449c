/**
 * Just enough of a DER reader to lift exact encoded bytes out of a structure, where a
 * schema parser would re-encode them (a signature covers the bytes as they were sent).
 */
import { equalBytes } from '@clearance/core';

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  end: number;
}

export function readTlv(buf: Uint8Array, offset: number): Tlv {
  const tag = buf[offset];
  const first = buf[offset + 1];
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f)
    throw new Error('bad DER tag');
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 4) throw new Error('indefinite or oversized DER length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (buf[offset + 2 + i] ?? 0);
    header += octets;
  }
  const end = offset + header + length;
  if (end > buf.length) throw new Error('DER length runs past the end');
  return { tag, start: offset, contentStart: offset + header, end };
}

export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end;) {
    const child = readTlv(buf, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** DER of the OBJECT IDENTIFIER id-signedData (1.2.840.113549.1.7.2). */
const ID_SIGNED_DATA = Uint8Array.of(
  0x06,
  0x09,
  0x2a,
  0x86,
  0x48,
  0x86,
  0xf7,
  0x0d,
  0x01,
  0x07,
  0x02,
);

/** DER of GB/T 35275's signedData (1.2.156.10197.6.1.4.2.2), used for SM2 CMS. */
const ID_GM_SIGNED_DATA = Uint8Array.of(
  0x06,
  0x0a,
  0x2a,
  0x81,
  0x1c,
  0xcf,
  0x55,
  0x06,
  0x01,
  0x04,
  0x02,
  0x02,
);

/** The fields of a CMS SignedData a verifier reads, as the exact bytes that were sent. */
export interface SignedDataParts {
  encapContentInfo: Uint8Array;
  /** Each X.509 certificate of the certificates field (other certificate choices are left out). */
  certificates: Uint8Array[];
  /** Each X.509 CRL of the crls field (other revocation info choices are left out). */
  crls: Uint8Array[];
  signerInfos: Uint8Array;
  /** Whether the content type is GB/T 35275's signedData rather than RFC 5652's. */
  gmContentType: boolean;
}

/**
 * Cuts a DER ContentInfo(SignedData) into its fields without a schema parse: the certificates
 * stay bytes, so the same signer certificate on every filing is parsed once (x509.ts cache)
 * rather than decoded into schema objects each time. Throws unless the shape is
 * ContentInfo { id-signedData, [0] SignedData { version, digestAlgorithms, encapContentInfo,
 * [0] certificates?, [1] crls?, signerInfos } } with nothing after it.
 */
export function splitSignedData(cms: Uint8Array): SignedDataParts {
  const contentInfo = readTlv(cms, 0);
  if (contentInfo.tag !== 0x30 || contentInfo.end !== cms.length)
    throw new Error('not one ContentInfo');
  const [type, explicit, ...rest] = childrenOf(cms, contentInfo);
  const typeBytes = type && cms.subarray(type.start, type.end);
  const gmContentType = !!typeBytes && equalBytes(typeBytes, ID_GM_SIGNED_DATA);
  if (
    !typeBytes ||
    (!equalBytes(typeBytes, ID_SIGNED_DATA) && !gmContentType) ||
    explicit?.tag !== 0xa0 ||
    rest.length > 0
  )
    throw new Error('not SignedData content');
  const [signedData, ...extra] = childrenOf(cms, explicit);
  if (signedData?.tag !== 0x30 || extra.length > 0) throw new Error('not a SignedData');
  const fields = childrenOf(cms, signedData);
  const tags = fields.map((f) => f.tag.toString(16)).join(' ');
  if (!/^2 31 30 (a0 )?(a1 )?31$/.test(tags))
    throw new Error(`unexpected SignedData fields ${tags}`);
  const slice = (t: Tlv) => cms.subarray(t.start, t.end);
  const certificates = fields.find((f) => f.tag === 0xa0);
  const crls = fields.find((f) => f.tag === 0xa1);
  return {
    gmContentType,
    crls: crls
      ? childrenOf(cms, crls)
          .filter((c) => c.tag === 0x30)
          .map(slice)
      : [],
    encapContentInfo: slice(fields[2] as Tlv),
    certificates: certificates
      ? childrenOf(cms, certificates)
          .filter((c) => c.tag === 0x30)
          .map(slice)
      : [],
    signerInfos: slice(fields.at(-1) as Tlv),
  };
}

/**
 * The signed attributes of the first SignerInfo of a SignerInfos SET, as the DER SET the
 * signature covers (the [0] IMPLICIT tag replaced by SET).
 */
export function signedAttributesForVerification(signerInfos: Uint8Array): Uint8Array | undefined {
  const signerInfo = childrenOf(signerInfos, readTlv(signerInfos, 0))[0];
  const attrs = signerInfo && childrenOf(signerInfos, signerInfo).find((c) => c.tag === 0xa0);
  if (!attrs) return undefined;
  const out = signerInfos.slice(attrs.start, attrs.end);
  out[0] = 0x31;
  return out;
}
