import { PEERLESS_ORGS, PEER_ORGS, ordererOrg } from './definition';
import { DevnetPaths } from './paths';
import { ccaasConnection, configtx, cryptoConfig, ordererYaml, peerCoreYaml } from './render';

const paths = new DevnetPaths('/tmp/devnet');
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('rendered Fabric configuration', () => {
  it('issues crypto with NodeOUs and loopback SANs for every node', () => {
    const doc = cryptoConfig(ordererOrg(3)) as Doc;
    expect(doc.OrdererOrgs[0].Specs.map((s: Doc) => s.Hostname)).toEqual([
      'orderer1',
      'orderer2',
      'orderer3',
    ]);
    for (const org of [...doc.OrdererOrgs, ...doc.PeerOrgs]) {
      expect(org.EnableNodeOUs).toBe(true);
      for (const spec of org.Specs) expect(spec.SANS).toEqual(['localhost', '127.0.0.1']);
    }
    expect(doc.PeerOrgs.map((o: Doc) => o.Domain)).toEqual([
      ...PEER_ORGS.map((o) => o.domain),
      'hkcfs.clearance.test',
    ]);
  });

  it('defines the clearance channel: Raft consenters, four peer orgs and HK CFS without a peer, majority lifecycle', () => {
    const profile = (configtx(ordererOrg(3), paths) as Doc).Profiles.ClearanceChannel;
    expect(profile.Orderer.OrdererType).toBe('etcdraft');
    expect(profile.Orderer.EtcdRaft.Consenters.map((c: Doc) => c.Port)).toEqual([7050, 7150, 7250]);
    expect(profile.Orderer.BatchTimeout).toBe('100ms');
    // Blocks are signed by orderer nodes: the orderer org's Writers must admit them.
    expect(profile.Orderer.Organizations[0].Policies.Writers.Rule).toBe("OR('OrdererMSP.member')");
    expect(profile.Application.Organizations.map((o: Doc) => o.ID)).toEqual([
      'GDCustomsMSP',
      'GDCIQMSP',
      'HKCustomsMSP',
      'LogisticsMSP',
      'HKCFSMSP',
    ]);
    expect(profile.Application.Policies.LifecycleEndorsement.Rule).toBe('MAJORITY Endorsement');
    for (const org of profile.Application.Organizations) {
      const peerless = PEERLESS_ORGS.some((p) => p.org.mspId === org.ID);
      expect(org.AnchorPeers ?? []).toHaveLength(peerless ? 0 : 1);
      expect(org.Policies.Endorsement.Rule).toBe(`OR('${org.ID}.peer')`);
    }
  });

  it('on Fabric 2.1: a system channel with a consortium of the five orgs, then the channel', () => {
    const doc = configtx(ordererOrg(3), paths, true) as Doc;
    const system = doc.Profiles.SystemGenesis;
    expect(system.Orderer.EtcdRaft.Consenters).toHaveLength(3);
    expect(system.Capabilities).toEqual({ V2_0: true });
    expect(system.Consortiums.ClearanceConsortium.Organizations.map((o: Doc) => o.ID)).toEqual([
      'GDCustomsMSP',
      'GDCIQMSP',
      'HKCustomsMSP',
      'LogisticsMSP',
      'HKCFSMSP',
    ]);
    const channel = doc.Profiles.ClearanceChannel;
    expect(channel.Consortium).toBe('ClearanceConsortium');
    expect(channel.Orderer).toBeUndefined();
    expect(channel.Application.Capabilities).toEqual({ V2_0: true });
    expect(channel.Application.Policies.LifecycleEndorsement.Rule).toBe('MAJORITY Endorsement');
  });

  it('keeps the sample config and overrides only what the node needs', () => {
    const sample = {
      peer: { id: 'jdoe', keepalive: { interval: '7200s' } },
      vm: { endpoint: 'unix:///var/run/docker.sock' },
    };
    const org = PEER_ORGS[1]!;
    const core = peerCoreYaml(sample, org, paths, '/builders/ccaas', '2.1.1') as Doc;
    expect(core.peer.id).toBe('peer0.gdciq.clearance.test');
    expect(core.peer.keepalive.interval).toBe('7200s');
    expect(core.peer.listenAddress).toBe('127.0.0.1:8051');
    expect(core.peer.tls.enabled).toBe(true);
    expect(core.vm.endpoint).toBe('');
    expect(core.peer.gossip).toMatchObject({
      bootstrap: '127.0.0.1:8051',
      externalEndpoint: '127.0.0.1:8051',
      orgLeader: true,
      useLeaderElection: false,
      // A resent copy (DUPLICATE_TXID) must not hold the peer up pulling private data.
      pvtData: { skipPullingInvalidTransactionsDuringCommit: true, pushAckTimeout: '500ms' },
    });
    expect(core.operations.listenAddress).toBe('127.0.0.1:9442'); // not the default 9443
    expect(core.peer.gateway).toBeUndefined(); // no Gateway service before 2.4
    expect(core.chaincode.externalBuilders).toEqual([
      { name: 'ccaas', path: '/builders/ccaas', environmentWhitelist: ['PATH'] },
    ]);
    const core3 = peerCoreYaml(sample, org, paths, '/builders/ccaas', '3.1.5') as Doc;
    expect(core3.peer.gateway.enabled).toBe(true);
    expect(core3.chaincode.externalBuilders[0].propagateEnvironment).toEqual(['PATH']);
    expect(sample.peer.id).toBe('jdoe'); // the sample itself is not modified
  });

  it('joins orderers through channel participation with mutual TLS on the admin endpoint', () => {
    const orderers = ordererOrg(1);
    const doc = ordererYaml({}, orderers, orderers.nodes[0]!, paths) as Doc;
    expect(doc.General.BootstrapMethod).toBe('none');
    expect(doc.ChannelParticipation.Enabled).toBe(true);
    expect(doc.Admin.TLS).toMatchObject({ Enabled: true, ClientAuthRequired: true });
    expect(doc.Admin.ListenAddress).toBe('127.0.0.1:7053');
    expect(doc.Operations.ListenAddress).toBe('127.0.0.1:8443');
  });

  it('bootstraps 2.1 orderers from the system-channel block, without 2.3+ sections', () => {
    const orderers = ordererOrg(1);
    const doc = ordererYaml({}, orderers, orderers.nodes[0]!, paths, '/g.block') as Doc;
    expect(doc.General.BootstrapMethod).toBe('file');
    expect(doc.General.BootstrapFile).toBe('/g.block');
    // 2.1 unmarshals orderer.yaml exactly: an unknown section stops the orderer.
    expect(doc.Admin).toBeUndefined();
    expect(doc.ChannelParticipation).toBeUndefined();
  });

  it('makes peers dial the chaincode server over mutual TLS', () => {
    expect(ccaasConnection({ caCert: 'CA', clientCert: 'C', clientKey: 'K' })).toEqual({
      address: '127.0.0.1:7999',
      dial_timeout: '10s',
      tls_required: true,
      client_auth_required: true,
      root_cert: 'CA',
      client_cert: 'C',
      client_key: 'K',
    });
  });
});
