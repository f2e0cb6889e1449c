import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DevnetError } from './errors';
import { DevnetPaths } from './paths';
import {
  isAlive,
  runningPid,
  startProcess,
  stopProcess,
  trackedNames,
  type ProcessSpec,
} from './processes';

function tempPaths(): DevnetPaths {
  return new DevnetPaths(fs.mkdtempSync(path.join(os.tmpdir(), 'devnet-test-')));
}

function sleeper(name: string, port?: number): ProcessSpec {
  return {
    name,
    command: 'sleep',
    args: ['30'],
    env: {},
    ports: port === undefined ? [] : [{ label: 'listen', host: '127.0.0.1', port }],
    health: [{ kind: 'tcp', host: '127.0.0.1', port: 1 }],
  };
}

describe('devnet processes', () => {
  it('tracks a started process by pid and stops exactly it', async () => {
    const paths = tempPaths();
    const pid = await startProcess(paths, sleeper('one'));
    expect(runningPid(paths, 'one')).toBe(pid);
    expect(trackedNames(paths)).toEqual(['one']);
    expect(await stopProcess(paths, 'one', 2000)).toBe(true);
    expect(isAlive(pid)).toBe(false);
    expect(runningPid(paths, 'one')).toBeUndefined();
    expect(await stopProcess(paths, 'one')).toBe(false);
  });

  it('never claims a process it did not start, even under a recorded pid', () => {
    const paths = tempPaths();
    fs.mkdirSync(paths.pids, { recursive: true });
    // Our own pid, but not the start time recorded for the process we started.
    fs.writeFileSync(paths.pidFile('impostor'), `${process.pid} 12345\n`);
    expect(runningPid(paths, 'impostor')).toBeUndefined();
    expect(fs.existsSync(paths.pidFile('impostor'))).toBe(false);
    expect(isAlive(process.pid)).toBe(true);
  });

  it('reports a taken port by process, label and address, and starts nothing', async () => {
    const paths = tempPaths();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const error = await startProcess(paths, sleeper('peer-x', port)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DevnetError);
      expect(error).toMatchObject({ code: 'PORT_IN_USE' });
      expect((error as Error).message).toBe(
        `peer-x cannot start: its listen port 127.0.0.1:${port} is already taken`,
      );
      expect(trackedNames(paths)).toEqual([]);
    } finally {
      blocker.close();
    }
  });
});
