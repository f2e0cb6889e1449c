/**
 * Orderer faults on a devnet of three Raft orderers: which one leads, a connection file
 * that lists the orderers in a chosen order, and a hang (SIGSTOP) that a SIGCONT ends.
 * A hung process keeps its sockets open: its peers see no error, only silence.
 */
import type { Devnet } from '@clearance/devnet';
import * as fs from 'node:fs';
import { isRaftLeader } from './fault-figures';

export async function raftRoles(
  devnet: Devnet,
  channel: string,
): Promise<{ leader: string; followers: string[] }> {
  const orderers = devnet.orderers();
  const leaders: string[] = [];
  for (const o of orderers) {
    const text = await (await fetch(`${o.operationsUrl}/metrics`)).text();
    if (isRaftLeader(text, channel)) leaders.push(o.name);
  }
  if (leaders.length !== 1 || orderers.length < 3)
    throw new Error(
      `a Raft cluster of 3 with one leader is needed (orderers: ${orderers.length}, leaders: ${leaders.join(', ') || 'none'}); make the devnet with \`devnet reset\` then \`devnet up --orderers 3\``,
    );
  const leader = leaders[0] as string;
  return { leader, followers: orderers.map((o) => o.name).filter((n) => n !== leader) };
}

/**
 * Writes `file`: the devnet's connection of `who` with its orderers in this order (by
 * devnet name, `orderer2`); orderers not named keep their order after those named.
 */
export function connectionWithOrderers(
  devnet: Devnet,
  who: string,
  first: readonly string[],
  file: string,
): string {
  const connection = JSON.parse(fs.readFileSync(devnet.connectionFile(who), 'utf8')) as {
    orderers: { hostAlias: string }[];
  };
  const rank = (o: { hostAlias: string }) => {
    const i = first.findIndex((name) => o.hostAlias.startsWith(`${name}.`));
    return i < 0 ? first.length : i;
  };
  const orderers = [...connection.orderers].sort((a, b) => rank(a) - rank(b));
  fs.writeFileSync(file, JSON.stringify({ ...connection, orderers }, null, 2));
  return file;
}

/** Stops (SIGSTOP) or resumes (SIGCONT) a devnet process. */
export function signal(devnet: Devnet, name: string, sig: 'SIGSTOP' | 'SIGCONT'): void {
  const pid = devnet.pidOf(name);
  if (pid === undefined) throw new Error(`${name} is not running`);
  process.kill(pid, sig);
}
