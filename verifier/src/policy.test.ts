/**
 * Policies and MSP principals evaluated as Fabric evaluates them, on the devnet's real
 * configuration and identities (fixtures): node-OU roles, implicit-meta thresholds, and
 * cauthdsl's greedy matching (each signer used once, rules tried in order).
 */
import { channelConfig, type ChannelConfig } from './config';
import { decodeConfigEnvelope, type SignaturePolicyEnvelope } from './fabric-messages';
import { decodeEndorserAction, decodeEnvelopeBytes, fromBase64 } from './ledger';
import type { ValidatedIdentity } from './msp';
import { satisfiesPrincipal } from './msp';
import { satisfiesSignaturePolicy } from './policy';
import { encodeFields } from './protobuf';
import { fixtureBundle } from './testing/fixtures';

const ROLES = { member: 0, admin: 1, client: 2, peer: 3 } as const;
const principal = (mspId: string, role: keyof typeof ROLES) => ({
  classification: 0,
  principal: encodeFields([
    { number: 1, text: mspId },
    { number: 2, int: ROLES[role] },
  ]),
});

let config: ChannelConfig;
/** The GD customs peer and the GD CIQ officer who released, and the HK customs peer. */
const ids: Record<'gdPeer' | 'ciqPeer' | 'ciqOfficer' | 'hkPeer', ValidatedIdentity> = {} as never;

beforeAll(async () => {
  const bundle = fixtureBundle('gdRelease');
  const last = bundle.configuration[bundle.configuration.length - 1]!;
  const envelope = decodeEnvelopeBytes(fromBase64(last.data[0]!));
  config = await channelConfig('clearance', decodeConfigEnvelope(envelope.payloadData), {
    number: BigInt(last.number),
    hash: '',
  });
  const ref = bundle.transactions.find((t) => t.role === 'subject')!;
  const block = bundle.blocks.find((b) => b.number === ref.block)!;
  const subject = decodeEnvelopeBytes(fromBase64(block.data[ref.index]!));
  const endorsers = await Promise.all(
    decodeEndorserAction(subject).endorsements.map((e) => config.msps.identity(e.endorser)),
  );
  ids.gdPeer = endorsers.find((e) => e.mspId === 'GDCustomsMSP')!;
  ids.hkPeer = endorsers.find((e) => e.mspId === 'HKCustomsMSP')!;
  ids.ciqPeer = endorsers.find((e) => e.mspId === 'GDCIQMSP')!;
  ids.ciqOfficer = await config.msps.identity(subject.signatureHeader.creator);
});

describe('MSP principals', () => {
  it('tells peers from clients by node OU, and one organisation from another', async () => {
    const satisfies = (id: ValidatedIdentity, mspId: string, role: keyof typeof ROLES) =>
      satisfiesPrincipal(config.msps, id, principal(mspId, role));
    expect(ids.gdPeer.fault).toBeUndefined();
    expect(await satisfies(ids.gdPeer, 'GDCustomsMSP', 'peer')).toBe(true);
    expect(await satisfies(ids.gdPeer, 'GDCustomsMSP', 'member')).toBe(true);
    expect(await satisfies(ids.gdPeer, 'GDCustomsMSP', 'client')).toBe(false);
    expect(await satisfies(ids.gdPeer, 'GDCustomsMSP', 'admin')).toBe(false);
    expect(await satisfies(ids.gdPeer, 'GDCIQMSP', 'peer')).toBe(false);
    expect(await satisfies(ids.ciqOfficer, 'GDCIQMSP', 'client')).toBe(true);
    expect(await satisfies(ids.ciqOfficer, 'GDCIQMSP', 'peer')).toBe(false);
  });

  it('refuses a certificate under a name the configuration does not know', async () => {
    const cert = ids.gdPeer.identity!.certificate.der;
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(cert).toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect((await config.msps.member('MacaoCustomsMSP', new TextEncoder().encode(pem))).fault).toBe(
      'UNKNOWN_MSP',
    );
    // GD customs' peer certificate presented as GD CIQ's: not issued by GD CIQ's CA.
    expect((await config.msps.member('GDCIQMSP', new TextEncoder().encode(pem))).fault).toBe(
      'NOT_ISSUED_BY_MSP',
    );
  });
});

describe('signature policies', () => {
  const outOf = (
    n: number,
    principals: ReturnType<typeof principal>[],
  ): SignaturePolicyEnvelope => ({
    version: 0,
    rule: { n, rules: principals.map((_, i) => ({ signedBy: i })) },
    identities: principals,
  });

  it('uses each signer once and matches greedily, in rule order, as cauthdsl does', async () => {
    const policy = outOf(2, [
      principal('GDCustomsMSP', 'member'),
      principal('GDCustomsMSP', 'peer'),
    ]);
    // The peer is taken by the first rule (member) and none is left for the second.
    expect(await satisfiesSignaturePolicy(config.msps, policy, [ids.gdPeer])).toBe(false);
    const both = outOf(2, [principal('GDCustomsMSP', 'peer'), principal('HKCustomsMSP', 'peer')]);
    expect(await satisfiesSignaturePolicy(config.msps, both, [ids.hkPeer, ids.gdPeer])).toBe(true);
    expect(await satisfiesSignaturePolicy(config.msps, both, [ids.gdPeer, ids.gdPeer])).toBe(false);
  });

  it('evaluates the channel\u2019s implicit-meta policies over its organisations', async () => {
    const path = '/Channel/Application/Endorsement'; // MAJORITY of four organisations' peers
    expect(await config.policies.satisfiedAt(path, [ids.gdPeer, ids.hkPeer])).toBe(false);
    // A client of the third organisation is not its peer.
    expect(await config.policies.satisfiedAt(path, [ids.gdPeer, ids.hkPeer, ids.ciqOfficer])).toBe(
      false,
    );
    expect(await config.policies.satisfiedAt(path, [ids.gdPeer, ids.hkPeer, ids.ciqPeer])).toBe(
      true,
    );
    expect(config.policies.describe(path)).toBe(
      "MAJORITY Endorsement of [OR('GDCustomsMSP.peer'); OR('GDCIQMSP.peer'); OR('HKCustomsMSP.peer'); OR('LogisticsMSP.peer')]",
    );
    expect(
      await config.policies.satisfiedAt('/Channel/Application/NoSuchPolicy', [ids.gdPeer]),
    ).toBe(false);
  });
});
