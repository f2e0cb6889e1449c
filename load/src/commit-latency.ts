/**
 * Submit-to-commit latency of one transaction at a time on the devnet, measured side by
 * side: the Fabric client (@clearance/fabric-client, without the gateway) directly, and the
 * gateway's HTTP route (which adds HTTP, validation and JSON). Alternating the two spreads machine noise over both equally.
 *
 *   npm run bench:commit-latency -- [--n 40]
 */
import { HOME_NAMESPACE_OF } from '@clearance/domain';
import { buildApp, connectGateway, createFabricLedger, loadConfig } from '@clearance/gateway';
import { TEST_OFFICER, createMemorySessionStore } from '@clearance/testkit/gateway';
import { BLOCK_CUTTING, Devnet } from '@clearance/devnet';
import { randomUUID } from 'node:crypto';
import { summary } from './stats';

async function main(): Promise<void> {
  const nIndex = process.argv.indexOf('--n');
  const n = nIndex > 0 ? Number(process.argv[nIndex + 1]) : 40;
  const devnet = new Devnet({ log: () => undefined });
  const report = await devnet.up();
  const config = loadConfig({ FABRIC_CONNECTION: devnet.connectionFile('gdcustoms') });
  const { client, gateway } = connectGateway(config.fabric);
  // The route records a self-check in the officer's own organisation's namespace: so does this.
  const contract = gateway
    .getNetwork(config.fabric.channel)
    .getContract(HOME_NAMESPACE_OF[config.fabric.mspId] ?? config.fabric.chaincode);
  // The route needs a signed-in principal; the bench measures the route, not the sign-in.
  const sessions = createMemorySessionStore();
  const { token } = await sessions.create(TEST_OFFICER);
  const app = await buildApp({ ledger: createFabricLedger(config.fabric), sessions });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });

  const direct: number[] = [];
  const http: number[] = [];
  try {
    for (let i = 0; i < n + 2; i++) {
      const t0 = performance.now();
      const submitted = await contract.submitAsync('SelfCheck:Record', {
        arguments: [`bench-${randomUUID()}`, 'latency'],
      });
      const status = await submitted.getStatus();
      if (!status.successful) throw new Error(`direct transaction failed: ${status.code}`);
      const t1 = performance.now();
      const res = await fetch(`${address}/v1/self-checks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ note: 'latency' }),
      });
      if (res.status !== 201) throw new Error(`route answered ${res.status}: ${await res.text()}`);
      const t2 = performance.now();
      if (i >= 2) {
        // the first two warm up connections and the chaincode
        direct.push(t1 - t0);
        http.push(t2 - t1);
      }
    }
  } finally {
    await app.close();
    gateway.close();
    client.close();
    if (report.started.length > 0) await devnet.stop(report.started);
  }
  const d = summary(direct);
  const h = summary(http);
  const fmt = (s: typeof d): string =>
    `p50 ${s.p50.toFixed(0)} ms  p95 ${s.p95.toFixed(0)} ms  max ${s.max.toFixed(0)} ms  (n=${s.n})`;
  console.log(
    `block cutting: BatchTimeout ${BLOCK_CUTTING.batchTimeout}, MaxMessageCount ${BLOCK_CUTTING.maxMessageCount}`,
  );
  console.log(`submit-to-commit, Fabric client direct  : ${fmt(d)}`);
  console.log(`submit-to-commit, gateway POST route    : ${fmt(h)}`);
  console.log(`route / direct p50 ratio                : ${(h.p50 / d.p50).toFixed(2)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
