/**
 * The builder on a ledger made of the captured blocks (every other block empty): it finds the
 * same sources, blocks and configuration chain as on the devnet and rebuilds the captured
 * bundle exactly, concurrent builds included; it refuses what it cannot make evidence of.
 */
import { createBundleBuilder, type Attester, type LedgerReader } from './builder';
import type { BlockJson, Bundle } from './bundle';
import { fromBase64, transactionIdOfEnvelope } from './ledger';
import { verifyBundle } from './verify';
import { fixtureBundle, fixtureTrustRoot } from './testing/fixtures';
import { encodeRaw } from './testing/tamper';
import type { Field } from './protobuf';

const bytesField = (number: number, bytes: Uint8Array): Field => ({ number, wire: 2, bytes });

/** A Block message from a bundle's block, every transaction flagged VALID. */
function blockBytes(block: BlockJson): Uint8Array {
  const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
  const header = encodeRaw([
    { number: 1, wire: 0, int: BigInt(block.number) },
    bytesField(2, hex(block.previousHash)),
    bytesField(3, hex(block.dataHash)),
  ]);
  const signatures = block.signatures
    ? encodeRaw([
        bytesField(1, fromBase64(block.signatures.value)),
        ...block.signatures.items.map((i) =>
          bytesField(
            2,
            encodeRaw([
              bytesField(1, fromBase64(i.signatureHeader)),
              bytesField(2, fromBase64(i.signature)),
            ]),
          ),
        ),
      ])
    : new Uint8Array(0);
  const flags = new Uint8Array(block.data.length); // 0: VALID
  return encodeRaw([
    bytesField(1, header),
    bytesField(2, encodeRaw(block.data.map((d) => bytesField(1, fromBase64(d))))),
    bytesField(3, encodeRaw([signatures, new Uint8Array(0), flags].map((m) => bytesField(1, m)))),
  ]);
}

function ledgerOf(bundle: Bundle): LedgerReader {
  const blocks = new Map<bigint, BlockJson>();
  for (const b of [...bundle.configuration, ...bundle.blocks]) blocks.set(BigInt(b.number), b);
  const height = [...blocks.keys()].reduce((m, n) => (n > m ? n : m), 0n) + 1n;
  const empty = (n: bigint) =>
    encodeRaw([
      bytesField(1, encodeRaw([{ number: 1, wire: 0, int: n }])),
      bytesField(2, new Uint8Array(0)),
    ]);
  return {
    blockByNumber: async (n) => {
      const b = blocks.get(n);
      return b ? blockBytes(b) : empty(n);
    },
    blockByTransactionId: async (id) => {
      const b = [...blocks.values()].find((x) =>
        x.data.some((d) => transactionIdOfEnvelope(fromBase64(d)) === id),
      );
      if (!b) throw new Error(`no such transaction ID ${id}`);
      return blockBytes(b);
    },
    validationCode: async () => 0,
    height: async () => height,
  };
}

/** Attesters that give back the captured statements (they sign the same claims). */
const replaying = (bundle: Bundle): Attester[] =>
  bundle.attestations.map((a) => ({ mspId: a.signer.mspId, attest: async () => a }));

describe('the bundle builder', () => {
  it('rebuilds the captured release bundle exactly, twice at once', async () => {
    const captured = fixtureBundle('gdRelease');
    const builder = createBundleBuilder({
      reader: ledgerOf(captured),
      channel: 'clearance',
      chaincode: 'clearance',
      attesters: replaying(captured),
    });
    const subject = captured.transactions.find((t) => t.role === 'subject')!.id;
    const [a, b] = await Promise.all([
      builder.build({ kind: 'release', transactionIds: [subject] }),
      builder.build({ kind: 'release', transactionIds: [subject] }),
    ]);
    expect(a).toEqual(captured);
    expect(b).toEqual(captured);
    expect((await verifyBundle(a, fixtureTrustRoot())).valid).toBe(true);
  });

  it('refuses a transaction it cannot find, and facts the transaction does not state', async () => {
    const captured = fixtureBundle('gdRelease');
    const builder = createBundleBuilder({
      reader: ledgerOf(captured),
      channel: 'clearance',
      chaincode: 'clearance',
      attesters: replaying(captured),
    });
    await expect(
      builder.build({ kind: 'release', transactionIds: ['ab'.repeat(32)] }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const subject = captured.transactions.find((t) => t.role === 'subject')!.id;
    await expect(
      builder.build({ kind: 'crossing', transactionIds: [subject] }),
    ).rejects.toMatchObject({
      code: 'NOT_EVIDENCE',
    });
    await expect(builder.build({ kind: 'release', transactionIds: [] })).rejects.toMatchObject({
      code: 'NOT_EVIDENCE',
    });
  });
});
