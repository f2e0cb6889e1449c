/**
 * The real PC/SC stack for tests: pcscd with the vsmartcard virtual reader (vpcd). Uses a
 * running pcscd, or starts one (and stops exactly that process afterwards).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

export const VPCD_PORT = 35963;

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export function pcscAvailable(): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v pcscd']).status !== 0)
    return 'pcscd is not installed (apt-get install pcscd)';
  if (!fs.existsSync('/usr/lib/pcsc/drivers/serial/libifdvpcd.so')) {
    return 'the vpcd virtual reader is not installed (apt-get install vsmartcard-vpcd)';
  }
  return undefined;
}

export async function ensurePcscd(): Promise<{ stop(): Promise<void> }> {
  const missing = pcscAvailable();
  if (missing) throw new Error(`the NFC tests need the PC/SC stack: ${missing}`);
  if (await listening(VPCD_PORT)) return { stop: async () => undefined };
  fs.mkdirSync('/run/pcscd', { recursive: true });
  const child: ChildProcess = spawn('pcscd', ['--foreground'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await listening(VPCD_PORT))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('pcscd did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
