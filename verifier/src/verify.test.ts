/**
 * The verifier on real bundles captured from the devnet (fixtures/devnet-evidence.json,
 * `npm run evidence:fixtures`), and on the same bundles tampered with: each tampering is
 * refused, by the check and with the reason that names it.
 */
import { canonicalBytes, toHex } from '@clearance/core';
import { sha256 } from './crypto';
import { blockJson } from './builder';
import type { Bundle } from './bundle';
import { decodeBlock } from './fabric-messages';
import { fromBase64, toBase64 } from './ledger';
import { verdict } from './messages';
import { readFields } from './protobuf';
import type { CheckId, Reason } from './report';
import {
  fixtureBundle,
  fixtureScenario,
  fixtureTrustRoot,
  systemChannelGenesis,
} from './testing/fixtures';
import { ENDORSED_ACTION, encodeRaw, highSTwin, madeUpIdentity, rewrite } from './testing/tamper';
import { verifyBundle, type VerificationReport } from './verify';

const failures = (report: VerificationReport) =>
  report.checks.filter((c) => c.status !== 'VALID').map((c) => `${c.check}:${c.reason}`);

function expectRefused(report: VerificationReport, check: CheckId, reason: Reason): void {
  expect(report.valid).toBe(false);
  expect(report.facts).toBeUndefined();
  expect(failures(report)).toContain(`${check}:${reason}`);
}

/** The bundle with the subject transaction's envelope in its block replaced. */
function withSubjectEnvelope(bundle: Bundle, edit: (envelope: Uint8Array) => Uint8Array): Bundle {
  const subject = bundle.transactions.find((t) => t.role === 'subject');
  const block = bundle.blocks.find((b) => b.number === subject?.block);
  if (!subject || !block) throw new Error('no subject');
  block.data[subject.index] = toBase64(edit(fromBase64(block.data[subject.index] as string)));
  return bundle;
}

describe('verifying bundles captured from the devnet', () => {
  const scenario = fixtureScenario();

  it('accepts a GD release by both agencies and says so in three languages', async () => {
    const report = await verifyBundle(fixtureBundle('gdRelease'), fixtureTrustRoot());
    expect(failures(report)).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.facts).toMatchObject({
      kind: 'release',
      consignmentRef: 'UCR-2026-HKSZ-0001',
      declarations: [
        {
          declarationId: scenario.gd.declarationId,
          state: 'RELEASED',
          releases: [
            { agency: 'GDCustomsMSP', transactionId: scenario.gd.releases[0] },
            { agency: 'GDCIQMSP', transactionId: scenario.gd.releases[1] },
          ],
        },
      ],
    });
    expect(verdict(report, 'en')).toMatch(
      /^Released by Guangdong Customs at .+ UTC and by Guangdong Inspection and Quarantine at .+ UTC \(declaration GD-/,
    );
    expect(verdict(report, 'zh-HK')).toMatch(/^已放行：由廣東海關於.+及由廣東出入境檢驗檢疫於/);
    expect(verdict(report, 'zh-CN')).toMatch(/^已放行：由广东海关于.+及由广东出入境检验检疫于/);
    // Every check ran and passed: nothing skipped.
    expect(new Set(report.checks.map((c) => c.check)).size).toBe(14);
  });

  it('accepts both releases of one consignment: GD customs and CIQ, and HK customs', async () => {
    const report = await verifyBundle(fixtureBundle('consignmentRelease'), fixtureTrustRoot());
    expect(failures(report)).toEqual([]);
    expect(verdict(report, 'en')).toMatch(
      /Guangdong Inspection and Quarantine at .+, and by Hong Kong Customs at .+ \(declaration HK-/,
    );
  });

  it('accepts a crossing decision, and any transaction of the channel', async () => {
    const crossing = await verifyBundle(fixtureBundle('crossing'), fixtureTrustRoot());
    expect(failures(crossing)).toEqual([]);
    expect(crossing.facts).toMatchObject({
      kind: 'crossing',
      crossingId: scenario.crossing.crossingId,
      controlPoint: 'LMC',
      decidedBy: 'HKCustomsMSP',
      declarationIds: [scenario.gd.declarationId, scenario.hk.declarationId],
    });
    const filing = await verifyBundle(fixtureBundle('filing'), fixtureTrustRoot());
    expect(failures(filing)).toEqual([]);
    expect(filing.facts).toMatchObject({ kind: 'transaction', function: 'Declaration:File' });
  });

  it('refuses a release the peers marked invalid: GD customs without GD CIQ fails the key-level policy', async () => {
    expect(scenario.oneAgency.validationCode).toBe(10); // ENDORSEMENT_POLICY_FAILURE, from Fabric
    const report = await verifyBundle(fixtureBundle('oneAgencyRelease'), fixtureTrustRoot());
    expectRefused(report, 'transaction.endorsement-policy', 'POLICY_NOT_SATISFIED');
    expectRefused(report, 'transaction.validity', 'TX_INVALID');
    const policy = report.checks.find(
      (c) => c.check === 'transaction.endorsement-policy' && c.status === 'INVALID',
    );
    expect(policy?.detail).toContain("AND('GDCustomsMSP.peer', 'GDCIQMSP.peer')");
    expect(verdict(report, 'en')).toMatch(/^Not valid\. Failed check: endorsement policy/);
    expect(verdict(report, 'zh-HK')).toMatch(/^無效。未通過的檢查：背書策略/);
  });
});

describe('tampering', () => {
  const scenario = fixtureScenario();

  it('refuses a changed byte in any part of the bundle', async () => {
    // Every string and number the bundle holds, changed in one place: each must be refused.
    const original = fixtureBundle('gdRelease');
    const leaves: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (typeof value === 'string' || typeof value === 'number') leaves.push(path);
      else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    };
    walk(original, []);
    const accepted: string[] = [];
    for (const [n, path] of leaves.entries()) {
      const bundle = fixtureBundle('gdRelease');
      const parent = path
        .slice(0, -1)
        .reduce<Record<string | number, unknown>>(
          (o, k) => o[k] as Record<string | number, unknown>,
          bundle as unknown as Record<string, unknown>,
        );
      const key = path[path.length - 1] as string | number;
      parent[key] = changed(parent[key] as string | number, n);
      const report = await verifyBundle(bundle, fixtureTrustRoot());
      if (report.valid) accepted.push(path.join('.'));
    }
    expect(leaves.length).toBeGreaterThan(100);
    expect(accepted).toEqual([]);
  }, 120_000);

  const parts: [string, (b: Bundle) => unknown, CheckId, Reason][] = [
    [
      'the genesis block header',
      (b: Bundle) => flipHex(b.configuration[0]!, 'previousHash'),
      'configuration.root',
      'ROOT_MISMATCH',
    ],
    [
      'a configuration block',
      (b: Bundle) => flipData(b.configuration[2]!),
      'configuration.chain',
      'DATA_HASH_MISMATCH',
    ],
    [
      'a block\u2019s envelopes',
      (b: Bundle) => flipData(b.blocks[b.blocks.length - 1]!),
      'block.data-hash',
      'DATA_HASH_MISMATCH',
    ],
    [
      'an orderer signature',
      (b: Bundle) => flipSignature(b.blocks[0]!),
      'block.orderer-signatures',
      'ORDERER_SIGNATURE_INVALID',
    ],
    [
      'a statement of validity',
      (b: Bundle) => {
        const statement = b.attestations[0]!.statement;
        statement.attestedAt = new Date(Date.parse(statement.attestedAt) + 1000).toISOString();
      },
      'transaction.validity',
      'ATTESTATION_SIGNATURE_INVALID',
    ],
    [
      'the facts',
      (b: Bundle) => {
        if (b.facts.kind === 'release') b.facts.declarations[0]!.state = 'CLOSED';
      },
      'facts',
      'CLAIMS_NOT_ATTESTED',
    ],
    ['a source', (b: Bundle) => b.sources.pop(), 'facts', 'CLAIMS_NOT_ATTESTED'],
  ];
  it.each(parts)('names what changed: %s', async (_, edit, check, reason) => {
    const bundle = fixtureBundle('gdRelease');
    edit(bundle);
    expectRefused(await verifyBundle(bundle, fixtureTrustRoot()), check, reason);
  });

  it('refuses a release with an endorsement removed: the key-level policy is not met', async () => {
    const bundle = withSubjectEnvelope(fixtureBundle('gdRelease'), (envelope) =>
      rewrite(envelope, ENDORSED_ACTION, (fields) => {
        const endorsements = fields.filter((f) => f.number === 2);
        const gdciq = endorsements.find((f) =>
          new TextDecoder().decode(f.bytes).includes('GDCIQMSP'),
        );
        return fields.filter((f) => f !== gdciq);
      }),
    );
    const report = await verifyBundle(bundle, fixtureTrustRoot());
    expectRefused(report, 'transaction.endorsement-policy', 'POLICY_NOT_SATISFIED');
    expectRefused(report, 'block.data-hash', 'DATA_HASH_MISMATCH');
    expectRefused(report, 'transaction.creator', 'CREATOR_SIGNATURE_INVALID');
  });

  it('refuses an endorsement by a certificate the organisation\u2019s MSP did not issue', async () => {
    const forger = await madeUpIdentity('GDCIQMSP', 'peer');
    let prp: Uint8Array = new Uint8Array(0);
    const bundle = withSubjectEnvelope(fixtureBundle('gdRelease'), (envelope) =>
      rewrite(envelope, ENDORSED_ACTION, (fields) => {
        prp = fields.find((f) => f.number === 1)?.bytes ?? prp;
        return fields;
      }),
    );
    const signature = await forger.sign(new Uint8Array([...prp, ...forger.serialized]));
    withSubjectEnvelope(bundle, (envelope) =>
      rewrite(envelope, ENDORSED_ACTION, (fields) =>
        fields.map((f) =>
          f.number === 2 && new TextDecoder().decode(f.bytes).includes('GDCIQMSP')
            ? {
                ...f,
                bytes: encodeRaw([
                  { number: 1, wire: 2, bytes: forger.serialized },
                  { number: 2, wire: 2, bytes: signature },
                ]),
              }
            : f,
        ),
      ),
    );
    const report = await verifyBundle(bundle, fixtureTrustRoot());
    expectRefused(report, 'transaction.endorsements', 'ENDORSER_NOT_IN_MSP');
    // Without a member's endorsement GD CIQ's part of the key-level policy is unmet.
    expectRefused(report, 'transaction.endorsement-policy', 'POLICY_NOT_SATISFIED');
  });

  it('refuses a statement of validity signed by a certificate the MSP did not issue', async () => {
    const bundle = fixtureBundle('oneAgencyRelease');
    const forger = await madeUpIdentity('GDCustomsMSP', 'peer');
    for (const a of bundle.attestations) {
      for (const t of a.statement.transactions) {
        t.validationCode = 0;
        t.validationCodeName = 'VALID';
      }
      a.signer = { mspId: a.signer.mspId, certificate: forger.certificate.pem };
      a.signature = toBase64(await forger.sign(canonicalBytes(a.statement)));
    }
    const report = await verifyBundle(bundle, fixtureTrustRoot());
    expectRefused(report, 'transaction.validity', 'ATTESTER_NOT_IN_MSP');
  });

  it('refuses a statement that names a configuration the bundle does not carry', async () => {
    // The signer is judged under the configuration in force when it signed (a certificate
    // revoked since is refused there): naming another one is refused before the signature.
    const bundle = fixtureBundle('gdRelease');
    bundle.attestations[0]!.statement.configuration.blockNumber = '3';
    expectRefused(
      await verifyBundle(bundle, fixtureTrustRoot()),
      'transaction.validity',
      'ATTESTATION_MISMATCH',
    );
  });

  it('refuses statements of validity from fewer organisations than the trust root requires', async () => {
    const bundle = fixtureBundle('gdRelease');
    bundle.attestations = bundle.attestations.filter((a) => a.signer.mspId === 'GDCustomsMSP');
    expectRefused(
      await verifyBundle(bundle, fixtureTrustRoot()),
      'transaction.validity',
      'ATTESTATION_POLICY_NOT_SATISFIED',
    );
    bundle.attestations = [];
    expectRefused(
      await verifyBundle(bundle, fixtureTrustRoot()),
      'transaction.validity',
      'NO_ATTESTATION',
    );
  });

  it('refuses a block signed by an orderer certificate the MSP did not issue', async () => {
    const bundle = fixtureBundle('gdRelease');
    const forger = await madeUpIdentity('OrdererMSP', 'orderer');
    const block = bundle.blocks[bundle.blocks.length - 1]!;
    const signatures = block.signatures!;
    const header = encodeRaw([
      { number: 1, wire: 2, bytes: forger.serialized },
      { number: 2, wire: 2, bytes: new Uint8Array(24) },
    ]);
    const { blockHeaderBytes } = await import('./crypto');
    const headerBytes = blockHeaderBytes({
      number: BigInt(block.number),
      previousHash: Buffer.from(block.previousHash, 'hex'),
      dataHash: Buffer.from(block.dataHash, 'hex'),
    });
    const signature = await forger.sign(
      new Uint8Array([...fromBase64(signatures.value), ...header, ...headerBytes]),
    );
    signatures.items = [{ signatureHeader: toBase64(header), signature: toBase64(signature) }];
    expectRefused(
      await verifyBundle(bundle, fixtureTrustRoot()),
      'block.orderer-signatures',
      'ORDERER_NOT_IN_MSP',
    );
  });

  it('refuses a high-S twin of a valid signature (Fabric accepts only low S)', async () => {
    const bundle = withSubjectEnvelope(fixtureBundle('gdRelease'), (envelope) =>
      rewrite(envelope, [], (fields) =>
        fields.map((f) => (f.number === 2 ? { ...f, bytes: highSTwin(f.bytes!) } : f)),
      ),
    );
    expectRefused(
      await verifyBundle(bundle, fixtureTrustRoot()),
      'transaction.creator',
      'HIGH_S_SIGNATURE',
    );
  });

  it('refuses a block of another channel as the starting point, and a block of another network', async () => {
    const bundle = fixtureBundle('gdRelease');
    bundle.configuration[0] = blockJson(decodeBlock(fromBase64(systemChannelGenesis())));
    const report = await verifyBundle(bundle, fixtureTrustRoot());
    expectRefused(report, 'configuration.root', 'ROOT_MISMATCH');
    expectRefused(report, 'configuration.chain', 'CHANNEL_MISMATCH');

    // The same bundle judged with another network's trust root (its own genesis block).
    const otherNetwork = { ...fixtureTrustRoot(), genesisBlockHash: 'ab'.repeat(32) };
    expectRefused(
      await verifyBundle(fixtureBundle('gdRelease'), otherNetwork),
      'configuration.root',
      'ROOT_MISMATCH',
    );
    const otherChannel = { ...fixtureTrustRoot(), channel: 'another' };
    expectRefused(
      await verifyBundle(fixtureBundle('gdRelease'), otherChannel),
      'transaction.in-block',
      'CHANNEL_MISMATCH',
    );
  });

  it('refuses a configuration chain with a configuration missing', async () => {
    const gap = fixtureBundle('gdRelease');
    gap.configuration.splice(2, 1);
    expectRefused(
      await verifyBundle(gap, fixtureTrustRoot()),
      'configuration.chain',
      'CONFIG_SEQUENCE_GAP',
    );
    const short = fixtureBundle('gdRelease');
    short.configuration.pop();
    expectRefused(
      await verifyBundle(short, fixtureTrustRoot()),
      'block.orderer-signatures',
      'CONFIG_NOT_IN_BUNDLE',
    );
  });

  it('refuses a bundle for another declaration or crossing than the one asked about', async () => {
    const report = await verifyBundle(fixtureBundle('gdRelease'), fixtureTrustRoot(), {
      expect: { declarationId: scenario.hk.declarationId },
    });
    expectRefused(report, 'facts', 'OTHER_DECLARATION');
    const asked = await verifyBundle(fixtureBundle('gdRelease'), fixtureTrustRoot(), {
      expect: { declarationId: scenario.gd.declarationId },
    });
    expect(asked.valid).toBe(true);
    expectRefused(
      await verifyBundle(fixtureBundle('crossing'), fixtureTrustRoot(), {
        expect: { crossingId: 'X-ELSEWHERE' },
      }),
      'facts',
      'OTHER_CROSSING',
    );
    // A crossing bundle passed off as a release of its declarations.
    const passedOff = fixtureBundle('crossing');
    passedOff.facts = fixtureBundle('gdRelease').facts;
    expectRefused(
      await verifyBundle(passedOff, fixtureTrustRoot()),
      'facts',
      'CLAIMS_NOT_ATTESTED',
    );
  });

  it('refuses what is not a bundle, and a version it does not know', async () => {
    for (const input of [null, 'text', {}, { ...fixtureBundle('gdRelease'), extra: 1 }])
      expectRefused(
        await verifyBundle(input, fixtureTrustRoot()),
        'bundle.format',
        'BUNDLE_MALFORMED',
      );
    expectRefused(
      await verifyBundle({ ...fixtureBundle('gdRelease'), version: 2 }, fixtureTrustRoot()),
      'bundle.format',
      'UNSUPPORTED_VERSION',
    );
    expectRefused(
      await verifyBundle(fixtureBundle('gdRelease'), {}),
      'bundle.format',
      'TRUST_ROOT_MALFORMED',
    );
  });

  it('answers, and never throws, for content that hashes right but cannot be read', async () => {
    // A made-up genesis or transaction block whose data_hash matches its garbage: every
    // check must still answer (the genesis fails the root, the garbage its own check).
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 40; round++) {
      const bundle = fixtureBundle('gdRelease');
      const part =
        round % 2 === 0 ? bundle.configuration[0]! : bundle.blocks[bundle.blocks.length - 1]!;
      const corrupted = corruptNested(fromBase64(part.data[0]!), random);
      part.data[0] = toBase64(corrupted);
      part.dataHash = toHex(await sha256(corrupted));
      const report = await verifyBundle(bundle, fixtureTrustRoot());
      expect(report.valid).toBe(false);
    }
  });

  it('answers for a configuration whose organisation MSP cannot be read', async () => {
    const bundle = fixtureBundle('gdRelease');
    const genesis = bundle.configuration[0]!;
    const envelope = fromBase64(genesis.data[0]!);
    // Envelope.payload → Payload.data → ConfigEnvelope.config → Config.channel_group
    const broken = rewrite(envelope, [[1], [2], [1], [2]], (group) =>
      editGroup(
        group,
        ['Application', 'GDCustoms'],
        'MSP',
        Uint8Array.of(0x12, 0x03, 0x0a, 0x01, 0xff),
      ),
    );
    genesis.data = [toBase64(broken)];
    genesis.dataHash = toHex(await sha256(broken));
    const report = await verifyBundle(bundle, fixtureTrustRoot());
    expectRefused(report, 'configuration.root', 'ROOT_MISMATCH');
    expectRefused(report, 'configuration.chain', 'BLOCK_MALFORMED');
  });

  it('reads no field of a block past its end', () => {
    const data = fromBase64(fixtureBundle('gdRelease').blocks[0]!.data[0]!);
    expect(() => readFields(data.subarray(0, data.length - 1))).toThrow('past the end');
  });
});

/** The value changed in one place: a byte of base64 or hex content, a character of text. */
function changed(value: string | number, n: number): string | number {
  if (typeof value === 'number') return value + 1;
  if (/^[0-9a-f]+$/.test(value) && value.length % 2 === 0 && value.length >= 16) {
    const at = (n * 7) % value.length;
    return (
      value.slice(0, at) + ((parseInt(value[at]!, 16) + 1) % 16).toString(16) + value.slice(at + 1)
    );
  }
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length >= 16 && value.length % 4 === 0) {
    const bytes = fromBase64(value);
    flipBit(bytes, (n * 7919) % bytes.length);
    return toBase64(bytes);
  }
  if (value.length === 0) return 'x';
  const at = (n * 7) % value.length;
  const c = value.charCodeAt(at);
  return value.slice(0, at) + String.fromCharCode(c === 0x7a ? 0x79 : c + 1) + value.slice(at + 1);
}

function flipData(block: Bundle['blocks'][number]): void {
  const bytes = fromBase64(block.data[0]!);
  flipBit(bytes, Math.floor(bytes.length / 2));
  block.data[0] = toBase64(bytes);
}

function flipHex(block: Bundle['blocks'][number], field: 'previousHash' | 'dataHash'): void {
  const value = block[field] || '00';
  block[field] = ((parseInt(value[0]!, 16) + 1) % 16).toString(16) + value.slice(1);
}

function flipSignature(block: Bundle['blocks'][number]): void {
  const item = block.signatures!.items[0]!;
  const bytes = fromBase64(item.signature);
  flipBit(bytes, bytes.length - 2);
  item.signature = toBase64(bytes);
}

/** Replaces one nested length-delimited field, picked at random, with random bytes. */
function corruptNested(bytes: Uint8Array, random: () => number): Uint8Array {
  const garbage = () => Uint8Array.from({ length: 6 }, () => Math.floor(random() * 256));
  let fields: ReturnType<typeof readFields>;
  try {
    fields = readFields(bytes);
  } catch {
    return garbage();
  }
  const nested = fields.filter((f) => f.wire === 2);
  const pick = nested[Math.floor(random() * nested.length)];
  if (!pick) return garbage();
  const replacement = random() < 0.35 ? garbage() : corruptNested(pick.bytes!, random);
  return encodeRaw(fields.map((f) => (f === pick ? { ...f, bytes: replacement } : f)));
}

/** Sets a config value's bytes at a group path (map entries: key 1, value 2). */
function editGroup(
  fields: ReturnType<typeof readFields>,
  path: string[],
  valueKey: string,
  value: Uint8Array,
): ReturnType<typeof readFields> {
  const keyOf = (entry: Uint8Array) =>
    new TextDecoder().decode(readFields(entry).find((f) => f.number === 1)?.bytes);
  const [next, ...rest] = path;
  const mapField = next === undefined ? 3 : 2;
  const wanted = next ?? valueKey;
  return fields.map((f) => {
    if (f.number !== mapField || keyOf(f.bytes!) !== wanted) return f;
    const entry = readFields(f.bytes!).map((e) => {
      if (e.number !== 2) return e;
      const inner = readFields(e.bytes!);
      const edited =
        next === undefined
          ? inner.map((v) => (v.number === 2 ? { ...v, bytes: value } : v))
          : editGroup(inner, rest, valueKey, value);
      return { ...e, bytes: encodeRaw(edited) };
    });
    return { ...f, bytes: encodeRaw(entry) };
  });
}

function flipBit(bytes: Uint8Array, at: number): void {
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
}
