/**
 * Configuration updates judged as Fabric's configtx judges them, on the devnet's real chain
 * (its four anchor-peer updates): each follows from the one before; one applied out of
 * turn, stripped of its signatures, or with a result it does not produce, does not.
 */
import { channelConfig, checkConfigUpdate, type ChannelConfig } from './config';
import { decodeConfigEnvelope, type ConfigEnvelope } from './fabric-messages';
import { decodeEnvelopeBytes, fromBase64 } from './ledger';
import { fixtureBundle } from './testing/fixtures';
import { rewrite } from './testing/tamper';

let envelopes: ConfigEnvelope[];
let configs: ChannelConfig[];
let raw: Uint8Array[];

beforeAll(async () => {
  const chain = fixtureBundle('gdRelease').configuration;
  raw = chain.map((b) => decodeEnvelopeBytes(fromBase64(b.data[0]!)).payloadData);
  envelopes = raw.map(decodeConfigEnvelope);
  configs = await Promise.all(
    envelopes.map((e, i) =>
      channelConfig('clearance', e, { number: BigInt(chain[i]!.number), hash: '' }),
    ),
  );
  expect(envelopes.length).toBeGreaterThanOrEqual(3);
});

describe('configuration updates', () => {
  it('accepts each update of the devnet\u2019s chain under the configuration before it', async () => {
    for (let i = 1; i < envelopes.length; i++)
      expect(await checkConfigUpdate(configs[i - 1]!, envelopes[i]!)).toBeUndefined();
  });

  it('refuses an update applied to a configuration it was not made on', async () => {
    // Update 2 on the genesis configuration: its result lacks update 1's anchor peer.
    expect(await checkConfigUpdate(configs[0]!, envelopes[2]!)).toMatchObject({
      fault: 'UPDATE_RESULT_DIFFERS',
    });
    // Update 1 again on the configuration it made: it reads versions that have moved on.
    expect(await checkConfigUpdate(configs[1]!, { ...envelopes[1]!, sequence: 2n })).toMatchObject({
      fault: 'UPDATE_STALE_READ',
    });
  });

  it('refuses an update without the signatures its elements\u2019 mod policies require', async () => {
    // ConfigEnvelope.last_update → Envelope.payload → Payload.data (ConfigUpdateEnvelope):
    // drop every signature.
    const stripped = rewrite(raw[1]!, [[2], [1], [2]], (fields) =>
      fields.filter((f) => f.number !== 2),
    );
    expect(await checkConfigUpdate(configs[0]!, decodeConfigEnvelope(stripped))).toMatchObject({
      fault: 'UPDATE_NOT_AUTHORISED',
      detail: expect.stringContaining('Admins not satisfied'),
    });
  });

  it('refuses a configuration that its update does not produce', async () => {
    const next = envelopes[1]!;
    const changed = { ...next, channelGroup: { ...next.channelGroup, modPolicy: 'Writers' } };
    expect(await checkConfigUpdate(configs[0]!, changed)).toMatchObject({
      fault: 'UPDATE_RESULT_DIFFERS',
    });
  });
});
