/**
 * Just enough of a DER reader to lift exact encoded bytes out of a structure, where a
 * schema parser would re-encode them (a signature covers the bytes as they were sent).
 */
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

/**
 * The signed attributes of the only SignerInfo of a CMS ContentInfo(SignedData), as the
 * DER SET the signature covers (the [0] IMPLICIT tag replaced by SET).
 */
export function signedAttributesForVerification(cms: Uint8Array): Uint8Array | undefined {
  const contentInfo = readTlv(cms, 0);
  const explicit = childrenOf(cms, contentInfo)[1];
  const signedData = explicit && childrenOf(cms, explicit)[0];
  const signerInfos = signedData && childrenOf(cms, signedData).at(-1);
  const signerInfo = signerInfos && childrenOf(cms, signerInfos)[0];
  const attrs = signerInfo && childrenOf(cms, signerInfo).find((c) => c.tag === 0xa0);
  if (!attrs) return undefined;
  const out = cms.slice(attrs.start, attrs.end);
  out[0] = 0x31;
  return out;
}
