/**
 * `npm start` owns this checkout's processes: a step that fails (Redis unavailable: its
 * port taken) or a Ctrl-C in the middle of the devnet's start stops everything, and no
 * process of the checkout is left; a later start adopts what an earlier one left running
 * (its gateway is started again) and says which. Runs the real scripts/start.mjs, without
 * the demo, on the devnet the other tests use (which it leaves stopped: they start it).
 */
import { Devnet, REDIS } from '@clearance/devnet';
import { freePort } from '@clearance/testkit/gateway';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { checkoutProcesses, npmStart } from '../support/npm-start';

const devnet = new Devnet({ log: () => undefined });

async function nothingLeft(): Promise<void> {
  // Processes signalled a moment ago may still be exiting.
  const deadline = Date.now() + 60_000;
  while (checkoutProcesses(devnet).length > 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 250));
  expect(checkoutProcesses(devnet)).toEqual([]);
  expect(devnet.running()).toEqual([]);
}

describe('npm start leaves nothing of this checkout running when it fails or is stopped', () => {
  afterEach(async () => {
    await devnet.down();
  }, 60_000);

  test('Redis unavailable: the start fails at that step and stops the devnet and PostgreSQL it ran', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(REDIS.port, REDIS.host, resolve));
    try {
      const start = npmStart(['--no-demo'], { PORT: String(await freePort()) });
      const code = await start.exited();
      const out = start.output();
      expect(code).toBe(1);
      expect(out).toContain('devnet up in');
      expect(out).toContain(`error [PORT_IN_USE]: redis cannot start`);
      expect(out).toMatch(/stopped: .*orderer1/);
      expect(out).toMatch(/stopped: .*postgres/);
      expect(out).toContain('npm start: nothing of this checkout is running');
      await nothingLeft();
    } finally {
      blocker.close();
    }
  }, 300_000);

  test('Ctrl-C while the devnet comes up stops what had started', async () => {
    await devnet.down();
    const start = npmStart(['--no-demo'], { PORT: String(await freePort()) });
    await start.waitFor(/^peers$/m);
    start.interrupt();
    expect(await start.exited()).toBe(0);
    expect(start.output()).toContain('npm start: stopping (SIGINT)');
    await nothingLeft();
  }, 300_000);

  test('a later start adopts what an earlier one left, restarts its gateway, and Ctrl-C stops it all', async () => {
    const port = String(await freePort());
    const first = npmStart(['--no-demo'], { PORT: port });
    await first.waitFor(/Ctrl-C stops everything this checkout runs/);
    // npm start and its runner killed outright: the gateway and the devnet stay.
    const runnerPid = Number(
      fs.readFileSync(`${devnet.paths.root}/start.pid`, 'utf8').split(' ')[0],
    );
    process.kill(first.child.pid as number, 'SIGKILL');
    process.kill(runnerPid, 'SIGKILL');
    await first.exited();
    const runner = devnet.running();
    expect(runner.map((p) => p.name)).toEqual(
      expect.arrayContaining(['gateway', 'orderer1', 'postgres', 'redis', 'chaincode']),
    );

    const second = npmStart(['--no-demo'], { PORT: port });
    const out = await second.waitFor(/Ctrl-C stops everything this checkout runs/);
    const gateway = runner.find((p) => p.name === 'gateway');
    expect(out).toContain(`restarting gateway (pid ${gateway?.pid})`);
    expect(out).toMatch(/adopted \(running and healthy\): orderer1, peer-gdcustoms, .*chaincode/);
    expect(out).toContain('adopted (running and healthy): postgres, redis');
    expect(devnet.running().find((p) => p.name === 'gateway')?.pid).not.toBe(gateway?.pid);
    second.interrupt();
    expect(await second.exited()).toBe(0);
    expect(second.output()).toContain('npm start: nothing of this checkout is running');
    await nothingLeft();
  }, 420_000);

  test('npm start killed outright: its runner sees it gone and stops everything', async () => {
    const start = npmStart(['--no-demo'], { PORT: String(await freePort()) });
    await start.waitFor(/Ctrl-C stops everything this checkout runs/);
    process.kill(start.child.pid as number, 'SIGKILL');
    // Gone (a signal is delivered asynchronously): its runner now belongs to init.
    await start.exited();
    await nothingLeft();
    expect(start.output()).toContain('npm start: stopping (npm start ended)');
  }, 300_000);
});
