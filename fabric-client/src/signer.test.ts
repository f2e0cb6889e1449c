import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { messageSigner } from './signer';

/** r and s of a DER ECDSA-Sig-Value (short-form lengths, as for P-256 and P-384). */
function readDer(der: Uint8Array): { r: bigint; s: bigint } {
  const bytes = Buffer.from(der);
  expect(bytes[0]).toBe(0x30);
  expect(bytes[1]).toBe(bytes.length - 2);
  const integer = (at: number) => {
    expect(bytes[at]).toBe(0x02);
    const length = bytes[at + 1] as number;
    const body = bytes.subarray(at + 2, at + 2 + length);
    // Minimal: no needless leading zero, and never negative.
    if (body.length > 1 && body[0] === 0) expect((body[1] as number) & 0x80).not.toBe(0);
    expect((body[0] as number) & 0x80).toBe(0);
    return { value: BigInt(`0x${body.toString('hex')}`), next: at + 2 + length };
  };
  const r = integer(2);
  const s = integer(r.next);
  expect(s.next).toBe(bytes.length);
  return { r: r.value, s: s.value };
}

describe.each([
  {
    curve: 'P-256',
    hash: 'sha256',
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  {
    curve: 'P-384',
    hash: 'sha384',
    order:
      0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
])('messageSigner on $curve', ({ curve, hash, order }) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const signer = messageSigner(privateKey);

  it('makes valid, canonical DER signatures, all low-S (about half would not be, unnormalised)', async () => {
    for (let i = 0; i < 200; i++) {
      const message = randomBytes(1 + (i % 300));
      const signature = await signer(message);
      expect(verify(hash, message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
      const { s } = readDer(signature);
      expect(s <= order >> 1n).toBe(true);
    }
  });

  it('signs the message it is given, not another', async () => {
    const signature = await signer(Buffer.from('proposal'));
    expect(
      verify(hash, Buffer.from('proposal!'), { key: publicKey, dsaEncoding: 'der' }, signature),
    ).toBe(false);
  });
});

it('refuses a curve Fabric does not use', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  expect(() => messageSigner(privateKey)).toThrow('unsupported signing key');
});
