/**
 * The whole path on a real Fabric network of native processes: devnet up → the gateway
 * route submits a transaction → it is committed in a block on `clearance` and its
 * chaincode event arrives → a killed peer is restarted alone → down leaves nothing running.
 */
import { EVENTS } from '@clearance/chaincode';
import { selfCheckBehaviour } from '@clearance/chaincode/behaviour';
import type { ContractInvoker } from '@clearance/chaincode/testing';
import {
  buildApp,
  connectGateway,
  createFabricLedger,
  loadConfig,
  type Config,
  type Ledger,
} from '@clearance/gateway';
import { ledgerBehaviour } from '@clearance/gateway/behaviour';
import { TEST_OFFICER, createMemorySessionStore } from '@clearance/gateway/testing';
import { Devnet, findFabric, isAlive, PEER_ORGS } from '@clearance/network';
import { common } from '@hyperledger/fabric-protos';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { eventFor } from '../support/events';

const fabric = findFabric();
if (!fabric) {
  // Said loudly: on a machine without Fabric binaries these tests cannot run at all.
  console.warn(
    'SKIPPED devnet integration tests: no Fabric install found (run `npm run fabric:install` or set FABRIC_HOME)',
  );
}
const describeOnDevnet = fabric ? describe : describe.skip;
const unique = (label: string): string => `${label}-${randomUUID()}`;

describeOnDevnet('devnet end to end', () => {
  const devnet = new Devnet({ log: () => undefined });
  let config: Config;
  let ledger: Ledger;
  let app: FastifyInstance;
  let token = '';
  let closeEvents: () => void = () => undefined;

  beforeAll(async () => {
    await devnet.up();
    config = loadConfig({ FABRIC_CONNECTION: devnet.connectionFile('gdcustoms') });
    ledger = createFabricLedger(config.fabric);
    // The route needs a signed-in principal; sign-in itself is tested in gateway-api.test.ts.
    const sessions = createMemorySessionStore();
    ({ token } = await sessions.create(TEST_OFFICER));
    app = await buildApp({ ledger, sessions });
  }, 300_000);

  afterAll(async () => {
    closeEvents();
    await app?.close();
    await devnet.down();
  }, 60_000);

  it('status shows the orderers, four peers and the chaincode server healthy, and the committed chaincode', async () => {
    const status = await devnet.status();
    const names = status.processes.map((p) => p.name);
    const orderers = names.filter((n) => n.startsWith('orderer'));
    expect([1, 3]).toContain(orderers.length);
    expect(names).toEqual([...orderers, ...PEER_ORGS.map((org) => `peer-${org.key}`), 'chaincode']);
    expect(status.processes.filter((p) => !p.healthy)).toEqual([]);
    expect(status.chaincode).toMatchObject({ version: '1.0', sequence: 1 });
    expect(status.chaincode?.packageId).toMatch(/^clearance_1\.0:[0-9a-f]{64}$/);
    expect(status.channelHeight).toBeGreaterThan(0);
  });

  it('the gateway route commits a self-check in a block on clearance and its event arrives', async () => {
    const checkId = unique('e2e');
    const res = await app.inject({
      method: 'POST',
      url: '/v1/self-checks',
      headers: { authorization: `Bearer ${token}` },
      payload: { checkId, note: 'e2e' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ transactionId: string; blockNumber: string }>();
    const blockNumber = BigInt(body.blockNumber);

    const { client, gateway } = connectGateway(config.fabric);
    closeEvents = () => {
      gateway.close();
      client.close();
    };
    const network = gateway.getNetwork('clearance');
    const event = await eventFor(network, 'clearance', body.transactionId, blockNumber);
    expect(event.eventName).toBe(EVENTS.SelfCheckRecorded);
    expect(event.blockNumber).toBe(blockNumber);
    expect(JSON.parse(Buffer.from(event.payload).toString())).toMatchObject({
      checkId,
      note: 'e2e',
    });

    // The peer's own block store holds the transaction in that block of `clearance`.
    const blockBytes = await network
      .getContract('qscc')
      .evaluateTransaction('GetBlockByTxID', 'clearance', body.transactionId);
    const block = common.Block.deserializeBinary(blockBytes);
    expect(BigInt(block.getHeader()?.getNumber() ?? -1)).toBe(blockNumber);
    closeEvents();
  });

  describe('Ledger adapter on Fabric', () => {
    ledgerBehaviour(() => ledger, unique);
  });

  describe('SelfCheck contract on Fabric', () => {
    const invoker: ContractInvoker = {
      submit: async (transaction, args) => {
        const committed = await ledger.submit(transaction, args);
        const { client, gateway } = connectGateway(config.fabric);
        try {
          const e = await eventFor(
            gateway.getNetwork('clearance'),
            'clearance',
            committed.transactionId,
            committed.blockNumber,
          );
          return {
            result: committed.result,
            txId: committed.transactionId,
            event: {
              txId: e.transactionId,
              name: e.eventName,
              payload: Buffer.from(e.payload).toString(),
            },
          };
        } finally {
          gateway.close();
          client.close();
        }
      },
      evaluate: (transaction, args) => ledger.evaluate(transaction, args),
    };
    selfCheckBehaviour(() => invoker, 'GDCustomsMSP', unique);
  });

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
