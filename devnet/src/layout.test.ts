import { HOSTS_POLICIES, PEER_ORGS, type PolicyDef } from './definition';
import { DevnetError } from './errors';
import {
  checkoutNaming,
  hostsFile,
  hostsNetwork,
  hostsOfSide,
  partitionAddresses,
  requiredAdmins,
  singleHostLayout,
} from './layout';
import { DevnetPaths } from './paths';
import { configtx, cryptoConfig } from './render';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const net = hostsNetwork('/work/checkout/.devnet-hosts');
const resolve = (file: string, name: string): string | undefined =>
  file
    .split('\n')
    .map((l) => l.split(' '))
    .find((f) => f[1] === name)?.[0];

describe('the hosts layout', () => {
  it('gives each checkout its own interface prefix and /24 outside the helpers’ 10.250/16', () => {
    const a = checkoutNaming('/work/a/.devnet-hosts');
    const b = checkoutNaming('/work/b/.devnet-hosts');
    expect(a.prefix).not.toBe(b.prefix);
    for (const { prefix, subnet } of [a, b]) {
      expect(subnet).toMatch(/^10\.251\.\d{1,3}$/);
      // Linux interface names: at most 15 characters (the longest is `<prefix>-<octet>i`).
      expect(`${prefix}-255i`.length).toBeLessThanOrEqual(15);
    }
    expect(checkoutNaming('/work/a/.devnet-hosts')).toEqual(a);
  });

  it('puts every organisation on a host of its own, with a distinct address', () => {
    const addresses = net.hosts.map((h) => h.address);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(net.hosts.map((h) => h.key)).toEqual([
      'gdcustoms',
      'gdciq',
      'hkcustoms',
      'logistics',
      'joint',
    ]);
    expect(net.layout.peerOrgs.map((o) => o.mspId)).toEqual(PEER_ORGS.map((o) => o.mspId));
    for (const org of net.layout.peerOrgs) {
      expect(org.peer.endpoint).toBe(`peer0.${org.domain}`);
      expect(addresses).toContain(org.peer.host);
    }
  });

  it('runs a Raft consenter on GD customs’, HK customs’ and a third party’s host, each its own orderer org', () => {
    const placed = net.layout.ordererOrgs.map((o) => [
      o.mspId,
      net.hosts.find((h) => h.address === o.nodes[0]?.host)?.key,
    ]);
    expect(placed).toEqual([
      ['GDCustomsOrdererMSP', 'gdcustoms'],
      ['HKCustomsOrdererMSP', 'hkcustoms'],
      ['JointOrdererMSP', 'joint'],
    ]);
  });

  it('resolves names across the GD–HK link to the border proxy, and within a site directly', () => {
    const gd = hostsFile(net, 'gdcustoms');
    const hk = hostsFile(net, 'hkcustoms');
    const address = (key: string): string => net.hosts.find((h) => h.key === key)?.address ?? '';
    expect(resolve(gd, 'peer0.gdciq.clearance.test')).toBe(address('gdciq'));
    expect(resolve(gd, 'orderer0.ordering.joint.clearance.test')).toBe(address('joint'));
    const viaProxy = resolve(gd, 'peer0.hkcustoms.clearance.test');
    expect(viaProxy).not.toBe(address('hkcustoms'));
    const proxy = net.proxies.find((p) => p.listen === `${viaProxy}:7051`);
    expect(proxy).toMatchObject({ fromSite: 'gd', upstream: `${address('hkcustoms')}:7051` });
    expect(proxy).toMatchObject({ latencyMs: 20, jitterMs: 5 });
    // The other way round through a proxy address of its own.
    const back = resolve(hk, 'orderer0.ordering.gdcustoms.clearance.test');
    expect(back).not.toBe(address('gdcustoms'));
    expect(net.proxies.find((p) => p.listen === `${back}:7050`)?.fromSite).toBe('hk');
    // The third party is on no border link.
    expect(resolve(hostsFile(net, 'joint'), 'peer0.hkcustoms.clearance.test')).toBe(
      address('hkcustoms'),
    );
  });

  it('proxies exactly the ports each host serves, both directions of each link', () => {
    const names = net.proxies.map((p) => p.name).sort();
    expect(names).toEqual(
      [
        'gd-to-hkcustoms-7051',
        'gd-to-hkcustoms-7050',
        'gd-to-hkcustoms-3000',
        'gd-to-logistics-7051',
        'gd-to-logistics-3000',
        'hk-to-gdcustoms-7051',
        'hk-to-gdcustoms-7050',
        'hk-to-gdcustoms-3000',
        'hk-to-gdciq-7051',
        'hk-to-gdciq-3000',
      ].sort(),
    );
  });

  it('cuts a partition on every address by which one side reaches the other', () => {
    const gd = hostsOfSide(net, 'gd');
    const hk = hostsOfSide(net, 'hk');
    expect(gd.map((h) => h.key)).toEqual(['gdcustoms', 'gdciq']);
    const cut = partitionAddresses(net, gd, hk);
    const gdView = hostsFile(net, 'gdcustoms');
    for (const name of ['peer0.hkcustoms.clearance.test', 'peer0.logistics.clearance.test']) {
      expect(cut).toContain(resolve(gdView, name));
    }
    for (const host of hk) expect(cut).toContain(host.address);
    expect(cut).not.toContain(net.hosts.find((h) => h.key === 'joint')?.address);
    expect(hostsOfSide(net, 'hk,joint').map((h) => h.key)).toEqual([
      'hkcustoms',
      'logistics',
      'joint',
    ]);
    expect(() => hostsOfSide(net, 'atlantis')).toThrow(DevnetError);
  });

  it('adds an admitted candidate as a host of its own site', () => {
    const withMacao = hostsNetwork('/work/checkout/.devnet-hosts', ['macao']);
    const macao = withMacao.hosts.find((h) => h.key === 'macao');
    expect(macao).toMatchObject({ site: 'mo', peerOrg: 'mocustoms', services: true });
    expect(withMacao.layout.peerOrgs.map((o) => o.mspId)).toContain('MOCustomsMSP');
    expect(resolve(hostsFile(withMacao, 'gdcustoms'), 'peer0.mocustoms.clearance.test')).toBe(
      macao?.address,
    );
    expect(() => hostsNetwork('/x', ['atlantis'])).toThrow(DevnetError);
  });

  it("admits a candidate behind the border (HK's Centre for Food Safety) without moving a running proxy", () => {
    const before = hostsNetwork('/work/checkout/.devnet-hosts', ['macao']);
    const after = hostsNetwork('/work/checkout/.devnet-hosts', ['macao', 'hkcfs']);
    const listens = (net: typeof before) => new Map(net.proxies.map((p) => [p.name, p.listen]));
    const kept = listens(after);
    for (const [name, listen] of listens(before))
      expect({ name, listen: kept.get(name) }).toEqual({ name, listen });
    const added = after.proxies.filter((p) => p.toHost === 'hkcfs');
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((p) => p.fromSite === 'gd')).toBe(true);
    expect(new Set(after.proxies.map((p) => p.listen)).size).toBe(after.proxies.length);
  });
});

/** Whether a set of admin signatures meets an explicit AND policy (what the orderer checks). */
function satisfies(policy: PolicyDef, signers: readonly string[]): boolean {
  return requiredAdmins(policy).every((msp) => signers.includes(msp));
}

describe('channel policies across hosts', () => {
  const { channel, orderer, application } = HOSTS_POLICIES;
  const admins = [channel.Admins, orderer.Admins, application.Admins];
  const everyone = [
    'GDCustomsMSP',
    'GDCIQMSP',
    'HKCustomsMSP',
    'LogisticsMSP',
    'MOCustomsMSP',
    'GDCustomsOrdererMSP',
    'HKCustomsOrdererMSP',
    'JointOrdererMSP',
  ];

  it('no customs service, even with every other organisation, changes the channel alone', () => {
    for (const side of ['GD', 'HK']) {
      const without = everyone.filter((m) => !m.startsWith(`${side}Customs`));
      for (const policy of admins) expect(satisfies(policy, without)).toBe(false);
    }
  });

  it('both customs services together do', () => {
    expect(satisfies(channel.Admins, ['GDCustomsMSP', 'HKCustomsMSP'])).toBe(true);
    expect(satisfies(application.Admins, ['GDCustomsMSP', 'HKCustomsMSP'])).toBe(true);
    expect(satisfies(orderer.Admins, ['GDCustomsOrdererMSP', 'HKCustomsOrdererMSP'])).toBe(true);
  });

  it('reads only explicit AND policies', () => {
    expect(requiredAdmins(application.Admins)).toEqual(['GDCustomsMSP', 'HKCustomsMSP']);
    expect(() => requiredAdmins({ Type: 'ImplicitMeta', Rule: 'MAJORITY Admins' })).toThrow(
      DevnetError,
    );
    expect(() =>
      requiredAdmins({ Type: 'Signature', Rule: "OR('GDCustomsMSP.admin', 'HKCustomsMSP.admin')" }),
    ).toThrow(DevnetError);
  });
});

describe('Fabric configuration across hosts', () => {
  const paths = new DevnetPaths('/tmp/hosts');

  it('issues certificates for TLS host names, without loopback SANs', () => {
    const doc = cryptoConfig(net.layout) as Doc;
    expect(doc.OrdererOrgs.map((o: Doc) => o.Domain)).toEqual([
      'ordering.gdcustoms.clearance.test',
      'ordering.hkcustoms.clearance.test',
      'ordering.joint.clearance.test',
    ]);
    for (const org of [...doc.OrdererOrgs, ...doc.PeerOrgs]) {
      expect(org.EnableNodeOUs).toBe(true);
      for (const spec of org.Specs) expect(spec.SANS).toEqual([]);
    }
  });

  it('orders by three consenters named by host name, under the explicit admin policies', () => {
    const doc = configtx(net.layout, paths, true) as Doc;
    const system = doc.Profiles.SystemGenesis;
    expect(system.Orderer.EtcdRaft.Consenters.map((c: Doc) => `${c.Host}:${c.Port}`)).toEqual([
      'orderer0.ordering.gdcustoms.clearance.test:7050',
      'orderer0.ordering.hkcustoms.clearance.test:7050',
      'orderer0.ordering.joint.clearance.test:7050',
    ]);
    expect(system.Orderer.Organizations.map((o: Doc) => o.OrdererEndpoints)).toEqual([
      ['orderer0.ordering.gdcustoms.clearance.test:7050'],
      ['orderer0.ordering.hkcustoms.clearance.test:7050'],
      ['orderer0.ordering.joint.clearance.test:7050'],
    ]);
    // The new channel takes its /Channel policies from the system channel's.
    expect(system.Policies.Admins).toEqual(HOSTS_POLICIES.channel.Admins);
    expect(system.Orderer.Policies.Admins).toEqual(HOSTS_POLICIES.orderer.Admins);
    const app = doc.Profiles.ClearanceChannel.Application;
    expect(app.Policies.Admins).toEqual(HOSTS_POLICIES.application.Admins);
    // A chaincode definition is committed only with both customs services' endorsements.
    for (const policy of [app.Policies.LifecycleEndorsement, app.Policies.Endorsement])
      expect(policy).toEqual({
        Type: 'Signature',
        Rule: "AND('GDCustomsMSP.peer', 'HKCustomsMSP.peer')",
      });
    expect(app.Organizations.map((o: Doc) => o.AnchorPeers[0].Host)).toEqual(
      PEER_ORGS.map((o) => `peer0.${o.domain}`),
    );
  });

  it('leaves the single-host layout as it was: one orderer org, implicit policies', () => {
    const single = configtx(singleHostLayout(1), paths, true) as Doc;
    expect(single.Profiles.SystemGenesis.Orderer.Organizations).toHaveLength(1);
    expect(single.Profiles.SystemGenesis.Orderer.Organizations[0].Name).toBe('Orderer');
    expect(single.Profiles.SystemGenesis.Policies.Admins).toEqual({
      Type: 'ImplicitMeta',
      Rule: 'MAJORITY Admins',
    });
  });
});
