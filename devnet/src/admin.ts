/**
 * Admin acts through Fabric's own CLIs (peer, osnadmin), each as an organisation's admin.
 * Every call checks the current state first, so running it again changes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CHAINCODES,
  CHAINCODE_NAME,
  CHANNEL_NAME,
  PEER_ORGS,
  type ChaincodeDef,
  type OrdererNode,
  type OrdererOrg,
  type PeerOrg,
} from './definition';
import { DevnetError } from './errors';
import { run, type RunResult } from './exec';
import type { FabricHome } from './fabric';
import type { DevnetPaths } from './paths';

/** Runs `act` again while it fails with a message matching `transient`, up to `timeoutMs`. */
async function retrying<T>(
  transient: RegExp,
  act: () => Promise<T>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await act();
    } catch (error) {
      if (Date.now() > deadline || !transient.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Across hosts: where each organisation's admin acts from. */
export interface AdminPlacement {
  /** The command prefix that runs a CLI on the organisation's own host (nsenter). */
  onHost(org: PeerOrg): string[];
  /** Where the organisation's peer keeps its config (core.yaml). */
  pathsOf(org: PeerOrg): DevnetPaths;
  /** The orderer the organisation's admin sends to. */
  ordererOf(org: PeerOrg): { org: OrdererOrg; node: OrdererNode };
  /** Every peer organisation on the channel. */
  peerOrgs: readonly PeerOrg[];
}

/** The orderer's answer to a refused broadcast, as the peer CLI reports it. */
export interface BroadcastRefusal {
  status: string;
  info: string;
}

/** Reads the status and reason of an orderer's refusal from the peer CLI's output. */
export function broadcastRefusal(output: string): BroadcastRefusal | undefined {
  const match = /got unexpected status: ([A-Z_]+) -- (.*)/.exec(output);
  return match ? { status: match[1] as string, info: (match[2] as string).trim() } : undefined;
}

export class FabricAdmin {
  constructor(
    private readonly fabric: FabricHome,
    private readonly paths: DevnetPaths,
    private readonly orderers: OrdererOrg,
    private readonly placement?: AdminPlacement,
  ) {}

  private get peerOrgs(): readonly PeerOrg[] {
    return this.placement?.peerOrgs ?? PEER_ORGS;
  }

  private get firstOrg(): PeerOrg {
    return this.peerOrgs[0] as PeerOrg;
  }

  private get firstOrderer(): OrdererNode {
    const node = this.orderers.nodes[0];
    if (!node) throw new DevnetError('BAD_ARGUMENT', 'the network has no orderer');
    return node;
  }

  /** Runs Fabric's peer CLI as `user` of `org` (its Admin by default), on its host. */
  peer(
    org: PeerOrg,
    args: string[],
    user = 'Admin',
    logging = 'WARNING',
    extraEnv: Record<string, string> = {},
  ): Promise<RunResult> {
    const prefix = this.placement?.onHost(org) ?? [];
    const peerBin = path.join(this.fabric.bin, 'peer');
    const [command, ...rest] = [...prefix, peerBin, ...args] as [string, ...string[]];
    const paths = this.placement?.pathsOf(org) ?? this.paths;
    return run(command, rest, {
      env: {
        FABRIC_CFG_PATH: paths.peerConfigDir(org),
        CORE_PEER_LOCALMSPID: org.mspId,
        CORE_PEER_MSPCONFIGPATH: path.join(this.paths.peerUserDir(org, user), 'msp'),
        CORE_PEER_ADDRESS: `${org.peer.endpoint}:${org.peer.port}`,
        CORE_PEER_TLS_ENABLED: 'true',
        CORE_PEER_TLS_ROOTCERT_FILE: this.paths.peerTlsCa(org),
        FABRIC_LOGGING_SPEC: logging,
        ...extraEnv,
      },
      timeoutMs: 180_000,
    });
  }

  /** `-o` and its TLS CA: the orderer this organisation's admin sends to (or `to`). */
  ordererArgs(org?: PeerOrg, to?: { org: OrdererOrg; node: OrdererNode }): string[] {
    const chosen =
      to ??
      (org && this.placement
        ? this.placement.ordererOf(org)
        : { org: this.orderers, node: this.firstOrderer });
    return [
      '-o',
      `${chosen.node.endpoint}:${chosen.node.port}`,
      '--tls',
      '--cafile',
      this.paths.ordererTlsCa(chosen.org),
    ];
  }

  private osnadmin(node: OrdererNode, args: string[]): Promise<RunResult> {
    const tls = this.paths.ordererAdminTlsDir(this.orderers);
    return run(path.join(this.fabric.bin, 'osnadmin'), [
      ...args,
      '-o',
      `${node.host}:${node.adminPort}`,
      '--ca-file',
      this.paths.ordererTlsCa(this.orderers),
      '--client-cert',
      path.join(tls, 'client.crt'),
      '--client-key',
      path.join(tls, 'client.key'),
    ]);
  }

  async joinOrderer(node: OrdererNode): Promise<boolean> {
    const info = await this.osnadmin(node, ['channel', 'list', '--channelID', CHANNEL_NAME]);
    if (/Status: 200/.test(info.stdout)) return false;
    const joined = await this.osnadmin(node, [
      'channel',
      'join',
      '--channelID',
      CHANNEL_NAME,
      '--config-block',
      this.paths.channelBlock,
    ]);
    if (!/Status: 201/.test(joined.stdout)) {
      throw new DevnetError(
        'STEP_FAILED',
        `${node.name} did not join ${CHANNEL_NAME}: ${joined.stdout}`,
      );
    }
    return true;
  }

  /**
   * Fabric 2.1: creates the channel on the orderers unless it exists, and leaves its genesis
   * block where joinPeer reads it (fetched back when the channel was made before).
   */
  async createChannel(): Promise<boolean> {
    // Only a successful create or fetch writes the block: its presence means the channel exists.
    if (fs.existsSync(this.paths.channelBlock)) return false;
    const org = this.firstOrg;
    try {
      // A Raft orderer that has just started answers SERVICE_UNAVAILABLE until it has a leader.
      await retrying(/SERVICE_UNAVAILABLE/, () =>
        this.peer(org, [
          'channel',
          'fetch',
          'oldest',
          this.paths.channelBlock,
          '-c',
          CHANNEL_NAME,
          ...this.ordererArgs(org),
        ]),
      );
      return false;
    } catch (error) {
      // Any answer but "no such channel" is a real failure.
      if (!/NOT_FOUND/.test((error as Error).message)) throw error;
    }
    await retrying(/SERVICE_UNAVAILABLE|no Raft leader/, () =>
      this.peer(org, [
        'channel',
        'create',
        '-c',
        CHANNEL_NAME,
        '-f',
        this.paths.channelTx,
        '--outputBlock',
        this.paths.channelBlock,
        ...this.ordererArgs(org),
      ]),
    );
    return true;
  }

  /**
   * Fabric 2.1: submits the organisation's anchor peer update. The update reads its group at
   * version 0, so once applied the orderer refuses it again: that refusal means "already set".
   */
  async setAnchorPeer(org: PeerOrg): Promise<boolean> {
    try {
      await this.peer(org, [
        'channel',
        'update',
        '-c',
        CHANNEL_NAME,
        '-f',
        this.paths.anchorsTx(org),
        ...this.ordererArgs(org),
      ]);
      return true;
    } catch (error) {
      if (/be at version 0, but it is currently at version 1/.test((error as Error).message)) {
        return false;
      }
      throw error;
    }
  }

  async joinPeer(org: PeerOrg): Promise<boolean> {
    const { stdout } = await this.peer(org, ['channel', 'list']);
    if (stdout.split('\n').some((line) => line.trim() === CHANNEL_NAME)) return false;
    await this.peer(org, ['channel', 'join', '-b', this.paths.channelBlock]);
    return true;
  }

  async channelHeight(org: PeerOrg): Promise<number> {
    const { stdout } = await this.peer(org, ['channel', 'getinfo', '-c', CHANNEL_NAME]);
    const json = stdout.slice(stdout.indexOf('{'));
    return (JSON.parse(json) as { height: number }).height;
  }

  async installedPackageIds(org: PeerOrg): Promise<string[]> {
    const { stdout } = await this.peer(org, [
      'lifecycle',
      'chaincode',
      'queryinstalled',
      '--output',
      'json',
    ]);
    const parsed = JSON.parse(stdout || '{}') as {
      installed_chaincodes?: { package_id: string }[];
    };
    return (parsed.installed_chaincodes ?? []).map((c) => c.package_id);
  }

  /** Installs a package (the devnet's, or the organisation's own across hosts). */
  async install(
    org: PeerOrg,
    packageId: string,
    packageFile = this.paths.chaincodePackage,
  ): Promise<boolean> {
    if ((await this.installedPackageIds(org)).includes(packageId)) return false;
    await this.peer(org, ['lifecycle', 'chaincode', 'install', packageFile]);
    return true;
  }

  private definitionArgs(cc: ChaincodeDef, org: PeerOrg): string[] {
    const paths = this.placement?.pathsOf(org) ?? this.paths;
    return [
      '--channelID',
      CHANNEL_NAME,
      '--name',
      cc.name,
      '--version',
      cc.version,
      '--sequence',
      String(cc.sequence),
      ...(cc.collections.length > 0
        ? ['--collections-config', paths.collectionsConfigOf(cc.name)]
        : []),
      ...(cc.endorsementPolicy ? ['--signature-policy', cc.endorsementPolicy] : []),
    ];
  }

  async committed(
    org: PeerOrg = this.firstOrg,
    name = CHAINCODE_NAME,
  ): Promise<{ version: string; sequence: number } | undefined> {
    // Listing every definition on the channel answers an empty list before the first
    // commit, where asking for one name would fail.
    const { stdout } = await this.peer(org, [
      'lifecycle',
      'chaincode',
      'querycommitted',
      '--channelID',
      CHANNEL_NAME,
      '--output',
      'json',
    ]);
    const parsed = JSON.parse(stdout || '{}') as {
      chaincode_definitions?: { name: string; version: string; sequence: number }[];
    };
    return parsed.chaincode_definitions?.find((d) => d.name === name);
  }

  async approvals(
    cc: ChaincodeDef = CHAINCODES[0] as ChaincodeDef,
  ): Promise<Record<string, boolean>> {
    const org = this.firstOrg;
    const { stdout } = await this.peer(org, [
      'lifecycle',
      'chaincode',
      'checkcommitreadiness',
      ...this.definitionArgs(cc, org),
      '--output',
      'json',
    ]);
    return (JSON.parse(stdout) as { approvals: Record<string, boolean> }).approvals;
  }

  /** Whether `org` approved the definition `cc` at its sequence (its own peer asked). */
  async approvedBy(org: PeerOrg, cc: ChaincodeDef): Promise<boolean> {
    const { stdout } = await this.peer(org, [
      'lifecycle',
      'chaincode',
      'checkcommitreadiness',
      ...this.definitionArgs(cc, org),
      '--output',
      'json',
    ]);
    return (
      (JSON.parse(stdout) as { approvals: Record<string, boolean> }).approvals[org.mspId] === true
    );
  }

  async approve(
    org: PeerOrg,
    packageId: string,
    cc: ChaincodeDef = CHAINCODES[0] as ChaincodeDef,
  ): Promise<void> {
    await this.peer(org, [
      'lifecycle',
      'chaincode',
      'approveformyorg',
      ...this.ordererArgs(org),
      ...this.definitionArgs(cc, org),
      '--package-id',
      packageId,
      '--waitForEvent',
    ]);
  }

  private peerAddressArgs(orgs: readonly PeerOrg[]): string[] {
    return orgs.flatMap((p) => [
      '--peerAddresses',
      `${p.peer.endpoint}:${p.peer.port}`,
      '--tlsRootCertFiles',
      this.paths.peerTlsCa(p),
    ]);
  }

  /** Commits `cc`, the commit endorsed by `endorsers`' peers (default: every organisation's). */
  async commit(
    cc: ChaincodeDef = CHAINCODES[0] as ChaincodeDef,
    endorsers: readonly PeerOrg[] = this.peerOrgs,
  ): Promise<void> {
    const org = endorsers[0] ?? this.firstOrg;
    const peerArgs = this.peerAddressArgs(endorsers);
    await this.peer(org, [
      'lifecycle',
      'chaincode',
      'commit',
      ...this.ordererArgs(org),
      ...this.definitionArgs(cc, org),
      ...peerArgs,
      '--waitForEvent',
    ]);
  }

  /** A read through the chaincode: proves the peer can reach the chaincode server. */
  async pingChaincode(org: PeerOrg, chaincode = CHAINCODE_NAME): Promise<void> {
    await this.peer(org, [
      'chaincode',
      'query',
      '-C',
      CHANNEL_NAME,
      '-n',
      chaincode,
      '-c',
      JSON.stringify({ function: 'org.hyperledger.fabric:GetMetadata', Args: [] }),
    ]);
  }

  /**
   * Submits a transaction with the peer CLI as `org`'s User1, endorsed by `endorsers`, and
   * waits until each endorser has committed it. Resolves with the transaction id once every
   * endorser reports VALID; a transaction committed invalid rejects with its status. `to`:
   * the orderer to broadcast to (else the organisation's own side's).
   */
  async invoke(
    org: PeerOrg,
    fn: string,
    args: string[],
    endorsers: readonly PeerOrg[],
    to?: { org: OrdererOrg; node: OrdererNode },
    chaincode = CHAINCODE_NAME,
  ): Promise<{ txId: string; committedAt: string[] }> {
    const { stdout, stderr } = await this.peer(
      org,
      [
        'chaincode',
        'invoke',
        ...this.ordererArgs(org, to),
        '-C',
        CHANNEL_NAME,
        '-n',
        chaincode,
        ...this.peerAddressArgs(endorsers),
        '-c',
        JSON.stringify({ function: fn, Args: args }),
        '--waitForEvent',
      ],
      'User1',
      'chaincodeCmd=info:warning',
    );
    const committed = [
      ...`${stderr}${stdout}`.matchAll(/txid \[(\w+)\] committed with status \((\w+)\) at (\S+)/g),
    ];
    const txId = committed[0]?.[1];
    if (!txId || committed.some((m) => m[2] !== 'VALID')) {
      throw new DevnetError('STEP_FAILED', `${fn} did not commit VALID:\n${stderr}`);
    }
    return { txId, committedAt: committed.map((m) => m[3] as string) };
  }

  /** Evaluates a transaction on `org`'s peer as its User1; resolves with the result text. */
  async query(org: PeerOrg, fn: string, args: string[]): Promise<string> {
    const { stdout } = await this.peer(
      org,
      [
        'chaincode',
        'query',
        '-C',
        CHANNEL_NAME,
        '-n',
        CHAINCODE_NAME,
        '-c',
        JSON.stringify({ function: fn, Args: args }),
      ],
      'User1',
    );
    return stdout.trim();
  }
}
