/**
 * The whole system on this machine: devnet up, then the gateway; Ctrl-C stops the gateway
 * and whatever part of the devnet this run started.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Devnet, REPO_ROOT } from './devnet';
import { DevnetError, printError } from './errors';
import { portFree } from './processes';

const GATEWAY_HOST = '127.0.0.1';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (!(await portFree(GATEWAY_HOST, port))) {
    throw new DevnetError(
      'PORT_IN_USE',
      `the gateway port ${GATEWAY_HOST}:${port} is already taken`,
      'stop what listens there, or run with PORT=<another port>',
    );
  }
  const devnet = new Devnet();
  const report = await devnet.up();
  console.log(
    `devnet up in ${report.seconds.toFixed(1)} s (${report.started.length} processes started)`,
  );

  const gateway = spawn(process.execPath, [path.join(REPO_ROOT, 'gateway', 'dist', 'server.js')], {
    stdio: 'inherit',
    env: {
      ...process.env,
      HOST: GATEWAY_HOST,
      PORT: String(port),
      FABRIC_CONNECTION: process.env.FABRIC_CONNECTION ?? devnet.connectionFile('gdcustoms'),
    },
  });
  console.log(`
  gateway      http://${GATEWAY_HOST}:${port}
  health       http://${GATEWAY_HOST}:${port}/healthz   readiness http://${GATEWAY_HOST}:${port}/readyz
  self-check   curl -X POST -H 'content-type: application/json' -d '{}' http://${GATEWAY_HOST}:${port}/v1/self-checks
  devnet       npm run devnet -- status   (state in ${devnet.paths.root})
  Ctrl-C stops the gateway${report.started.length ? ' and the devnet processes started here' : ''}.
`);

  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (gateway.exitCode === null && gateway.pid !== undefined) {
      process.kill(gateway.pid, 'SIGTERM');
      await new Promise((resolve) => gateway.once('exit', resolve));
    }
    if (report.started.length > 0) {
      const stopped = await devnet.stop(report.started);
      console.log(`stopped: ${stopped.join(', ')}`);
    }
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void stop(0));
  gateway.on('exit', (code) => {
    if (!stopping) {
      console.error(`gateway exited (code ${code ?? 'signal'})`);
      void stop(1);
    }
  });
}

main().catch((error: unknown) => {
  printError(error);
  process.exit(1);
});
