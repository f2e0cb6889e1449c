/**
 * The network across hosts (network namespaces on this machine): `up --hosts` from nothing,
 * a transaction endorsed across the border, the border's latency and partitions, Macao
 * admitted by a channel configuration update both customs services sign, an update
 * without HK customs refused by the orderer, a chaincode definition without HK customs'
 * endorsement refused at commit, and `down` leaving nothing behind. State in
 * `.devnet-hosts/test` (a bridge and /24 of its own), wiped first. About a minute.
 */
import {
  ChannelConfigurator,
  HostsDevnet,
  REPO_ROOT,
  findFabric,
  isAlive,
} from '@clearance/devnet';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';

const fabric = findFabric();
const asRoot = process.getuid?.() === 0;
if (!fabric || !asRoot) {
  console.warn(
    `SKIPPED hosts integration tests: ${!fabric ? 'no Fabric install found (npm run fabric:install)' : 'network namespaces need root'}`,
  );
}
const describeHosts = fabric && asRoot ? describe : describe.skip;

/** A TLS handshake's duration, made from a host, in ms (median of `n`). */
function handshakeMs(devnet: HostsDevnet, from: string, target: string, n = 5): number {
  const script = `
    const tls = require('node:tls');
    const [host, port] = process.argv[1].split(':');
    (async () => {
      const times = [];
      for (let i = 0; i < ${n}; i++) {
        const t = process.hrtime.bigint();
        await new Promise((resolve, reject) => {
          const s = tls.connect({ host, port: Number(port), servername: host, rejectUnauthorized: false }, () => { s.end(); resolve(); });
          s.setTimeout(5000, () => { s.destroy(); reject(new Error('timeout')); });
          s.on('error', reject);
        });
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      times.sort((a, b) => a - b);
      console.log(times[Math.floor(times.length / 2)]);
    })().catch((e) => { console.error(e.message); process.exit(1); });`;
  const via = devnet.via(from);
  const result = spawnSync(
    via[0] as string,
    [...via.slice(1), process.execPath, '-e', script, target],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (result.status !== 0) throw new Error(`handshake to ${target} failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

/** Whether a new TCP connection from a host to `target` opens within `ms`. */
function connects(devnet: HostsDevnet, from: string, target: string, ms = 3000): boolean {
  const [host, port] = target.split(':');
  const via = devnet.via(from);
  const result = spawnSync(
    via[0] as string,
    [
      ...via.slice(1),
      'timeout',
      String(ms / 1000),
      'bash',
      '-c',
      `exec 3<>/dev/tcp/${host}/${port}`,
    ],
    { timeout: ms + 5000 },
  );
  return result.status === 0;
}

/** A line client on a host: sends what it is told, and collects what comes back. */
class LineClient {
  readonly received: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(devnet: HostsDevnet, from: string, target: string) {
    const script = `
      const net = require('node:net');
      const [host, port] = process.argv[1].split(':');
      const socket = net.connect({ host, port: Number(port) }, () => console.log('CONNECTED'));
      socket.on('data', (d) => console.log('GOT ' + d.toString().trim()));
      socket.on('error', (e) => console.log('ERROR ' + e.message));
      process.stdin.on('data', (d) => socket.write(d));`;
    const via = devnet.via(from);
    this.child = spawn(via[0] as string, [...via.slice(1), process.execPath, '-e', script, target]);
    this.child.stdout.on('data', (d: Buffer) =>
      this.received.push(...d.toString().trim().split('\n')),
    );
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  async waitFor(line: string, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (this.received.includes(line)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  close(): void {
    this.child.kill('SIGKILL');
  }
}

describeHosts('the network across hosts', () => {
  const devnet = new HostsDevnet({
    root: path.join(REPO_ROOT, '.devnet-hosts', 'test'),
    log: () => undefined,
  });

  beforeAll(async () => {
    await devnet.reset();
    await devnet.up();
  }, 300_000);

  afterAll(async () => {
    await devnet.down();
  }, 120_000);

  it('runs each organisation on a host of its own: peer, chaincode server, PostgreSQL, Redis; orderers on three hosts', async () => {
    const status = await devnet.status();
    const byKey = Object.fromEntries(status.hosts.map((h) => [h.key, h]));
    for (const key of ['gdcustoms', 'gdciq', 'hkcustoms', 'logistics']) {
      expect(byKey[key]?.up).toBe(true);
      expect(byKey[key]?.processes.map((p) => p.name).sort()).toEqual(
        expect.arrayContaining(['chaincode', 'peer', 'postgres', 'redis']),
      );
      expect(byKey[key]?.processes.every((p) => p.healthy)).toBe(true);
    }
    const ordererHosts = status.hosts.filter((h) => h.processes.some((p) => p.name === 'orderer0'));
    expect(ordererHosts.map((h) => h.key)).toEqual(['gdcustoms', 'hkcustoms', 'joint']);
    expect(ordererHosts.filter((h) => h.raftLeader)).toHaveLength(1);
    expect(new Set(status.hosts.map((h) => h.address)).size).toBe(status.hosts.length);
    // Keys stay home: on GD customs' host, HK customs' keys cannot be read, its own can.
    const read = (host: string, file: string): string => {
      const via = devnet.via(host);
      const result = spawnSync(via[0] as string, [...via.slice(1), 'cat', file], {
        encoding: 'utf8',
      });
      return result.status === 0 ? result.stdout : `(unreadable: ${result.stderr.trim()})`;
    };
    const net = devnet.network();
    const [gdOrg, , hkOrg] = net.layout.peerOrgs;
    const adminKey = (org: typeof gdOrg) =>
      path.join(devnet.paths.peerUserDir(org!, 'Admin'), 'msp', 'keystore', 'priv_sk');
    const officerKey = (org: typeof gdOrg) =>
      path.join(devnet.paths.officerDir(org!, 'officer1'), 'key.pem');
    expect(read('gdcustoms', adminKey(gdOrg))).toContain('PRIVATE KEY');
    expect(read('gdcustoms', officerKey(gdOrg))).toContain('PRIVATE KEY');
    expect(read('gdcustoms', adminKey(hkOrg))).not.toContain('PRIVATE KEY');
    expect(read('gdcustoms', officerKey(hkOrg))).not.toContain('PRIVATE KEY');
    expect(read('gdcustoms', path.join(devnet.paths.peerOrgDir(hkOrg!), 'ca', 'priv_sk'))).toBe('');
    expect(read('hkcustoms', officerKey(hkOrg))).toContain('PRIVATE KEY');
    expect(read('hkcustoms', officerKey(gdOrg))).not.toContain('PRIVATE KEY');
    // Each host's own PostgreSQL, reached on its loopback only.
    const urls = await devnet.services('hkcustoms');
    expect(urls.databaseUrl).toMatch(/^postgres:\/\/clearance@127\.0\.0\.1:/);
  });

  it('commits a transaction endorsed across the border, on both sides', async () => {
    const net = devnet.network();
    const [gd, ciq, hk] = net.layout.peerOrgs;
    const { committedAt } = await devnet
      .admin(net)
      .invoke(gd!, 'SelfCheck:Record', [`hosts-${Date.now()}`, 'x'], [gd!, ciq!, hk!]);
    expect(committedAt.sort()).toEqual(
      [
        'peer0.gdcustoms.clearance.test:7051',
        'peer0.gdciq.clearance.test:7051',
        'peer0.hkcustoms.clearance.test:7051',
      ].sort(),
    );
  }, 120_000);

  it('delays the GD–HK link per direction; link sets another latency', async () => {
    // A TLS handshake takes at least one round trip: 2 × (20 − 5) ms across the border.
    expect(
      handshakeMs(devnet, 'gdcustoms', 'peer0.hkcustoms.clearance.test:7051'),
    ).toBeGreaterThanOrEqual(30);
    expect(
      handshakeMs(devnet, 'hkcustoms', 'orderer0.ordering.gdcustoms.clearance.test:7050'),
    ).toBeGreaterThanOrEqual(30);
    await devnet.link({ latencyMs: 80, jitterMs: 0 });
    try {
      expect(
        handshakeMs(devnet, 'gdcustoms', 'peer0.hkcustoms.clearance.test:7051', 3),
      ).toBeGreaterThanOrEqual(160);
      const status = await devnet.status();
      expect(new Set(status.proxies.map((p) => p.latency?.latencyMs))).toEqual(new Set([80]));
    } finally {
      await devnet.link({ latencyMs: 20, jitterMs: 5 });
    }
  }, 120_000);

  it('a partition cuts established and new connections both ways; heal restores them', async () => {
    // An echo server in HK customs' gateway slot, a client on GD customs' host.
    await devnet.startOnHost('hkcustoms', {
      name: 'gateway',
      command: process.execPath,
      args: [
        '-e',
        "require('node:net').createServer((s) => s.pipe(s)).listen(3000, process.argv[1])",
        devnet.network().hosts.find((h) => h.key === 'hkcustoms')!.address,
      ],
      health: [
        {
          kind: 'tcp',
          host: devnet.network().hosts.find((h) => h.key === 'hkcustoms')!.address,
          port: 3000,
        },
      ],
    });
    const client = new LineClient(devnet, 'gdcustoms', 'gateway.hkcustoms.clearance.test:3000');
    try {
      expect(await client.waitFor('CONNECTED', 10_000)).toBe(true);
      client.send('one');
      expect(await client.waitFor('GOT one', 10_000)).toBe(true);

      await devnet.partition('gd', 'hk');
      client.send('two');
      expect(await client.waitFor('GOT two', 3000)).toBe(false); // established: cut
      expect(connects(devnet, 'gdcustoms', 'peer0.hkcustoms.clearance.test:7051')).toBe(false);
      expect(connects(devnet, 'hkcustoms', 'peer0.gdciq.clearance.test:7051')).toBe(false);
      expect(connects(devnet, 'gdcustoms', 'orderer0.ordering.joint.clearance.test:7050')).toBe(
        true,
      );
      expect(connects(devnet, 'hkcustoms', 'orderer0.ordering.joint.clearance.test:7050')).toBe(
        true,
      );
      const cut = (await devnet.status()).hosts.find((h) => h.key === 'gdcustoms')?.cutOffFrom;
      expect(cut).toContain(devnet.network().hosts.find((h) => h.key === 'hkcustoms')?.address);

      expect((await devnet.heal()).sort()).toEqual([
        'gdciq',
        'gdcustoms',
        'hkcustoms',
        'logistics',
      ]);
      // TCP sends the held line again once packets pass.
      expect(await client.waitFor('GOT two', 20_000)).toBe(true);
      expect(connects(devnet, 'gdcustoms', 'peer0.hkcustoms.clearance.test:7051')).toBe(true);
    } finally {
      client.close();
      await devnet.heal();
      await devnet.stopOnHost('hkcustoms', 'gateway');
    }
  }, 120_000);

  it('admits Macao customs by a configuration update; its peer joins and approves the chaincode', async () => {
    const result = await devnet.admit('macao');
    expect(result).toMatchObject({ mspId: 'MOCustomsMSP', updated: true });
    const net = devnet.network();
    const macao = net.layout.peerOrgs.find((o) => o.mspId === 'MOCustomsMSP')!;
    const admin = devnet.admin(net);
    const { stdout } = await admin.peer(macao, [
      'lifecycle',
      'chaincode',
      'querycommitted',
      '--channelID',
      'clearance',
      '--name',
      'clearance',
      '--output',
      'json',
    ]);
    const committed = JSON.parse(stdout) as { approvals: Record<string, boolean> };
    expect(committed.approvals).toMatchObject({ MOCustomsMSP: true, GDCustomsMSP: true });
    await admin.pingChaincode(macao); // its own chaincode server answers its peer
    const status = await devnet.status();
    const heights = status.hosts.flatMap((h) =>
      h.heights.peer === undefined ? [] : [h.heights.peer],
    );
    expect(status.hosts.find((h) => h.key === 'macao')?.heights.peer).toBe(Math.max(...heights));
    // Admitting again changes nothing.
    expect((await devnet.admit('macao')).updated).toBe(false);
  }, 180_000);

  it("admits Hong Kong's Centre for Food Safety the same way, with a peer of its own", async () => {
    const result = await devnet.admit('hkcfs');
    expect(result).toMatchObject({ mspId: 'HKCFSMSP', updated: true });
    const net = devnet.network();
    const cfs = net.layout.peerOrgs.find((o) => o.mspId === 'HKCFSMSP')!;
    await devnet.admin(net).pingChaincode(cfs);
    const status = await devnet.status();
    const heights = status.hosts.flatMap((h) =>
      h.heights.peer === undefined ? [] : [h.heights.peer],
    );
    expect(status.hosts.find((h) => h.key === 'hkcfs')?.heights.peer).toBe(Math.max(...heights));
  }, 180_000);

  it('in a GD↔HK partition each side still commits its own acts, ordered through the third party', async () => {
    const net = devnet.network();
    const org = (msp: string) => net.layout.peerOrgs.find((o) => o.mspId === msp)!;
    const joint = net.layout.ordererOrgs.find((o) => o.mspId === 'JointOrdererMSP')!;
    const to = { org: joint, node: joint.nodes[0]! };
    const admin = devnet.admin(net);
    await devnet.partition('gd', 'hk');
    try {
      // Each side in its own definition (docs/endorsement.md), endorsed by its own peers
      // (and Macao's, which both sides reach and whose endorsement neither policy needs).
      const gd = ['GDCustomsMSP', 'GDCIQMSP', 'MOCustomsMSP'].map(org);
      const hk = ['HKCustomsMSP', 'LogisticsMSP', 'MOCustomsMSP'].map(org);
      const [onGd, onHk] = await Promise.all([
        admin.invoke(
          gd[0]!,
          'SelfCheck:Record',
          [`gd-${Date.now()}`, 'cut'],
          gd,
          to,
          'clearance-gd',
        ),
        admin.invoke(
          hk[0]!,
          'SelfCheck:Record',
          [`hk-${Date.now()}`, 'cut'],
          hk,
          to,
          'clearance-hk',
        ),
      ]);
      expect(onGd.committedAt).toHaveLength(3);
      expect(onHk.committedAt).toHaveLength(3);
    } finally {
      await devnet.heal();
    }
  }, 180_000);

  it('refuses an update signed by every organisation but HK customs', async () => {
    const net = devnet.network();
    const org = (msp: string) => net.layout.peerOrgs.find((o) => o.mspId === msp)!;
    const configurator = new ChannelConfigurator(devnet);
    // GD customs would make the application group its own: four of five organisations sign
    // (a MAJORITY policy would have let three).
    const outcome = await configurator.propose(
      'grab',
      (config) => {
        const app = config.channel_group.groups.Application!;
        app.policies.Admins!.policy = structuredClone(
          app.groups.GDCustoms!.policies.Admins!.policy,
        );
      },
      ['GDCIQMSP', 'LogisticsMSP', 'MOCustomsMSP', 'GDCustomsMSP'].map(org),
    );
    expect(outcome).toEqual({
      accepted: false,
      refusal: {
        status: 'BAD_REQUEST',
        info: expect.stringContaining(
          'policy for [Policy] /Channel/Application/Admins not satisfied',
        ),
      },
    });
    const after = await configurator.fetchConfig(
      org('GDCustomsMSP'),
      path.join(devnet.paths.root, 'updates', 'grab'),
    );
    const identities = (
      after.channel_group.groups.Application!.policies.Admins!.policy as {
        value: { identities: { principal: { msp_identifier: string } }[] };
      }
    ).value.identities.map((i) => i.principal.msp_identifier);
    expect(identities).toEqual(['GDCustomsMSP', 'HKCustomsMSP']);
  }, 120_000);

  it('commits a chaincode definition only with both customs services: every other organisation alone cannot', async () => {
    const net = devnet.network();
    const org = (msp: string) => net.layout.peerOrgs.find((o) => o.mspId === msp)!;
    const admin = devnet.admin(net);
    // A definition that would let GD's agencies alone write the joint records' namespace.
    const probe = {
      name: `probe-${Date.now()}`,
      version: '1.0',
      sequence: 1,
      collections: [],
      endorsementPolicy: "OR('GDCustomsMSP.peer', 'GDCIQMSP.peer')",
      serverPort: { single: 0, hosts: 0 },
    };
    // A transaction an orderer took just before a Raft leader change (the partition above)
    // can be lost, and the client then waits in vain: each step is checked on the peers and
    // sent again if it never showed (a repeated approval that did is refused, ignored here;
    // a repeated commit is not: had the refused commit above been valid, this one fails).
    const lost = (error: Error) =>
      /timed out waiting for txid|unchanged content/.test(error.message);
    const until = async (done: () => Promise<boolean>, send: () => Promise<unknown>) => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        await send().catch((error: Error) => {
          if (!lost(error)) throw error;
        });
        for (let i = 0; i < 20; i++) {
          if (await done()) return;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      throw new Error(`${probe.name}: not seen on the peers after 3 attempts`);
    };
    const approve = (by: (typeof net.layout.peerOrgs)[number]) =>
      until(
        () => admin.approvedBy(by, probe),
        () => approveOnce(by),
      );
    const approveOnce = (by: (typeof net.layout.peerOrgs)[number]) =>
      admin.peer(by, [
        'lifecycle',
        'chaincode',
        'approveformyorg',
        ...admin.ordererArgs(by),
        '--channelID',
        'clearance',
        '--name',
        probe.name,
        '--version',
        probe.version,
        '--sequence',
        String(probe.sequence),
        '--signature-policy',
        probe.endorsementPolicy,
        '--waitForEvent',
      ]);
    // Four of five organisations approve and endorse the commit (MAJORITY would take three).
    const withoutHk = ['GDCustomsMSP', 'GDCIQMSP', 'LogisticsMSP', 'MOCustomsMSP'].map(org);
    for (const by of withoutHk) await approve(by);
    // Refused at validation (or, on a peer still catching up, not seen within the wait).
    await expect(admin.commit(probe, withoutHk)).rejects.toThrow(
      /ENDORSEMENT_POLICY_FAILURE|timed out waiting for txid/,
    );
    expect(await admin.committed(org('GDCustomsMSP'), probe.name)).toBeUndefined();
    // With HK customs' approval and its peer's endorsement it is committed, at sequence 1:
    // so the commit above was not (a second commit of sequence 1 would be refused).
    await approve(org('HKCustomsMSP'));
    await until(
      async () => (await admin.committed(org('HKCustomsMSP'), probe.name)) !== undefined,
      () => admin.commit(probe, [org('GDCustomsMSP'), org('HKCustomsMSP')]),
    );
    expect(await admin.committed(org('GDCustomsMSP'), probe.name)).toMatchObject({ sequence: 1 });
  }, 420_000);

  it('down stops every process, the namespaces and the bridge', async () => {
    const pids = devnet.runningPids();
    expect(pids.length).toBeGreaterThan(20);
    const prefix = devnet.network().prefix;
    await devnet.down();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(devnet.runningPids()).toEqual([]);
    const links = spawnSync('ip', ['-br', 'link'], { encoding: 'utf8' }).stdout;
    expect(links).not.toContain(prefix);
  }, 120_000);
});
