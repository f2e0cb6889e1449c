/**
 * The devnet as real Fabric processes: devnet up → a transaction submitted with Fabric's own
 * peer CLI commits VALID on the endorsing peers and reads back → the MAJORITY endorsement
 * policy refuses two organisations → a killed peer is restarted alone → down leaves nothing
 * running. (Fabric 2.1 has no peer Gateway service: the gateway's own client is tested by
 * its owner's suites.)
 */
import {
  CHAINCODES,
  chaincodeProcessName,
  Devnet,
  findFabric,
  isAlive,
  PEER_ORGS,
  type ConnectionDescriptor,
} from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const fabric = findFabric();
if (!fabric) {
  // Said loudly: on a machine without Fabric binaries these tests cannot run at all.
  console.warn(
    'SKIPPED devnet integration tests: no Fabric install found (run `npm run fabric:install` or set FABRIC_HOME)',
  );
}
const unique = (label: string): string => `${label}-${randomUUID()}`;
const [gdcustoms, gdciq, hkcustoms] = PEER_ORGS;

describe('devnet end to end', () => {
  const devnet = new Devnet({ log: () => undefined });

  beforeAll(async () => {
    await devnet.up();
  }, 300_000);

  afterAll(async () => {
    await devnet.down();
  }, 60_000);

  it('status shows the orderers, four peers and the chaincode server healthy, and the committed chaincode', async () => {
    const status = await devnet.status();
    const names = status.processes.map((p) => p.name);
    const orderers = names.filter((n) => n.startsWith('orderer'));
    expect([1, 3]).toContain(orderers.length);
    expect(names).toEqual([
      ...orderers,
      ...PEER_ORGS.map((org) => `peer-${org.key}`),
      ...CHAINCODES.map(chaincodeProcessName), // one server per definition
    ]);
    expect(status.processes.filter((p) => !p.healthy)).toEqual([]);
    expect(status.chaincode).toMatchObject({ version: '1.0', sequence: 1 });
    expect(status.chaincodes?.map((c) => c.name)).toEqual(CHAINCODES.map((cc) => cc.name));
    expect(status.chaincode?.packageId).toMatch(/^clearance_1\.0:[0-9a-f]{64}$/);
    expect(status.channelHeight).toBeGreaterThan(0);
  });

  it('connection files name every peer and orderer, with files that exist', () => {
    const file = devnet.connectionFile('gdcustoms');
    const conn = JSON.parse(fs.readFileSync(file, 'utf8')) as ConnectionDescriptor;
    const resolve = (p: string): string => path.resolve(path.dirname(file), p);
    expect(conn).toMatchObject({ mspId: 'GDCustomsMSP', peerEndpoint: '127.0.0.1:7051' });
    expect(conn.peers.map((p) => p.mspId)).toEqual(PEER_ORGS.map((o) => o.mspId));
    expect(conn.orderers.length).toBeGreaterThan(0);
    const files = [
      conn.certPath,
      conn.keyPath,
      conn.tlsRootCertPath,
      ...conn.peers.map((p) => p.tlsRootCertPath),
      ...conn.orderers.map((o) => o.tlsRootCertPath),
    ];
    for (const f of files) expect(fs.existsSync(resolve(f))).toBe(true);
  });

  it('a self-check endorsed by three organisations commits VALID and reads back', async () => {
    const admin = devnet.admin();
    const checkId = unique('cli');
    const endorsers = [gdcustoms!, gdciq!, hkcustoms!];
    const { txId, committedAt } = await admin.invoke(
      gdcustoms!,
      'SelfCheck:Record',
      [checkId, 'e2e'],
      endorsers,
    );
    expect(committedAt.sort()).toEqual(
      endorsers.map((o) => `${o.peer.host}:${o.peer.port}`).sort(),
    );
    const record = JSON.parse(await admin.query(hkcustoms!, 'SelfCheck:Get', [checkId])) as Record<
      string,
      unknown
    >;
    expect(record).toMatchObject({ checkId, note: 'e2e', txId });
    expect(record.recordedBy).toMatchObject({ mspId: 'GDCustomsMSP' });
  }, 60_000);

  it('two endorsing organisations of four do not meet the MAJORITY policy', async () => {
    await expect(
      devnet
        .admin()
        .invoke(gdcustoms!, 'SelfCheck:Record', [unique('two'), 'x'], [gdcustoms!, gdciq!]),
    ).rejects.toThrow(/ENDORSEMENT_POLICY_FAILURE/);
  }, 60_000);

  it('restarts only the peer that was killed', async () => {
    const before = (await devnet.status()).processes;
    const victim = before.find((p) => p.name === 'peer-gdciq');
    expect(victim?.pid).toBeDefined();
    process.kill(victim?.pid as number, 'SIGKILL');
    const report = await devnet.up();
    expect(report.started).toEqual(['peer-gdciq']);
    expect(report.alreadyRunning).toHaveLength(before.length - 1);
    const status = await devnet.status();
    expect(status.processes.every((p) => p.healthy)).toBe(true);
  }, 120_000);

  it('down stops every process it started and leaves none of ours running', async () => {
    const fabric = (await devnet.status()).processes.map((p) => p.name);
    // Every tracked process: Fabric's, and PostgreSQL and Redis when other tests left them up.
    const pids = devnet.runningPids();
    expect(pids.length).toBeGreaterThanOrEqual(fabric.length);
    const stopped = await devnet.down();
    expect(stopped).toHaveLength(pids.length);
    expect(stopped).toEqual(expect.arrayContaining(fabric));
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(devnet.runningPids()).toEqual([]);
  }, 60_000);
});
