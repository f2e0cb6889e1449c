/**
 * Channel configuration updates across hosts, as Fabric's operators make them: fetch the
 * config block, decode it (configtxlator), change the JSON, compute the update, wrap it in
 * an envelope, have each admin the policy names sign it with its own MSP on its own host,
 * and submit it from the last signer's host. The orderer checks the signatures against the
 * channel's policies; a refusal comes back with its status and reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { broadcastRefusal, type BroadcastRefusal, type FabricAdmin } from './admin';
import { chaincodeTlsFile, writeChaincodeTls } from './artifacts';
import { generateChaincodeTls } from './chaincode-tls';
import { CHANNEL_NAME, HOST, type PeerOrg } from './definition';
import { DevnetError } from './errors';
import { run } from './exec';
import { ensureConfigtxlator, requireFabric } from './fabric';
import { candidateOf, hostsNetwork, requiredAdmins, type HostsNetwork } from './layout';
import type { DevnetPaths } from './paths';
import { normaliseCertificates } from './low-s';
import { configtxOrgName, peerOrgCrypto, peerOrgSection } from './render';

/** Channel config as configtxlator's JSON: only what the updates here read or write. */
export interface ConfigJson {
  channel_group: ConfigGroupJson;
  [key: string]: unknown;
}
export interface ConfigGroupJson {
  groups: Record<string, ConfigGroupJson>;
  policies: Record<string, { mod_policy: string; policy: unknown; version: string }>;
  values: Record<string, { mod_policy: string; value: unknown; version: string }>;
  mod_policy: string;
  version: string;
}

/** What admitting an organisation needs of the hosts devnet (hosts-devnet.ts's HostsDevnet). */
export interface AdmittingDevnet {
  readonly paths: DevnetPaths;
  network(): HostsNetwork;
  admin(): FabricAdmin;
}

export type UpdateOutcome = { accepted: true } | { accepted: false; refusal: BroadcastRefusal };

export class ChannelConfigurator {
  constructor(private readonly devnet: AdmittingDevnet) {}

  private get fabric() {
    return requireFabric();
  }

  private async configtxlator(args: string[]): Promise<void> {
    await run(await ensureConfigtxlator(this.fabric, () => undefined), args);
  }

  private workDir(label: string): string {
    const dir = path.join(this.devnet.paths.root, 'updates', label);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** The channel's current configuration, fetched by `org`'s admin from its host. */
  async fetchConfig(org: PeerOrg, dir: string): Promise<ConfigJson> {
    const admin = this.devnet.admin();
    const blockFile = path.join(dir, 'config_block.pb');
    await admin.peer(org, [
      'channel',
      'fetch',
      'config',
      blockFile,
      '-c',
      CHANNEL_NAME,
      ...admin.ordererArgs(org),
    ]);
    const blockJson = path.join(dir, 'config_block.json');
    await this.configtxlator([
      'proto_decode',
      '--input',
      blockFile,
      '--type',
      'common.Block',
      '--output',
      blockJson,
    ]);
    const block = JSON.parse(fs.readFileSync(blockJson, 'utf8')) as {
      data: { data: { payload: { data: { config: ConfigJson } } }[] };
    };
    const config = block.data.data[0]?.payload.data.config;
    if (!config) throw new DevnetError('STEP_FAILED', 'the config block holds no config');
    return config;
  }

  /**
   * Proposes a change of the channel configuration: `change` edits a copy of the current
   * config; `signers` (in order) each sign on their own host, the last one submits.
   */
  async propose(
    label: string,
    change: (config: ConfigJson) => void,
    signers: readonly PeerOrg[],
  ): Promise<UpdateOutcome> {
    const submitter = signers[signers.length - 1];
    if (!submitter) throw new DevnetError('BAD_ARGUMENT', 'an update needs at least one signer');
    const dir = this.workDir(label);
    const original = await this.fetchConfig(submitter, dir);
    const updated = structuredClone(original);
    change(updated);
    const file = (name: string): string => path.join(dir, name);
    fs.writeFileSync(file('original.json'), JSON.stringify(original));
    fs.writeFileSync(file('updated.json'), JSON.stringify(updated));
    for (const name of ['original', 'updated']) {
      await this.configtxlator([
        'proto_encode',
        '--input',
        file(`${name}.json`),
        '--type',
        'common.Config',
        '--output',
        file(`${name}.pb`),
      ]);
    }
    await this.configtxlator([
      'compute_update',
      '--channel_id',
      CHANNEL_NAME,
      '--original',
      file('original.pb'),
      '--updated',
      file('updated.pb'),
      '--output',
      file('update.pb'),
    ]);
    await this.configtxlator([
      'proto_decode',
      '--input',
      file('update.pb'),
      '--type',
      'common.ConfigUpdate',
      '--output',
      file('update.json'),
    ]);
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: CHANNEL_NAME, type: 2 } },
        data: { config_update: JSON.parse(fs.readFileSync(file('update.json'), 'utf8')) },
      },
    };
    fs.writeFileSync(file('envelope.json'), JSON.stringify(envelope));
    const envelopeFile = file('update_envelope.pb');
    await this.configtxlator([
      'proto_encode',
      '--input',
      file('envelope.json'),
      '--type',
      'common.Envelope',
      '--output',
      envelopeFile,
    ]);

    const admin = this.devnet.admin();
    // Each admin signs the envelope on its own host; the file travels between them.
    for (const signer of signers.slice(0, -1)) {
      await admin.peer(signer, ['channel', 'signconfigtx', '-f', envelopeFile]);
    }
    try {
      await admin.peer(submitter, [
        'channel',
        'update',
        '-f',
        envelopeFile,
        '-c',
        CHANNEL_NAME,
        ...admin.ordererArgs(submitter),
      ]);
      return { accepted: true };
    } catch (error) {
      const refusal = broadcastRefusal((error as Error).message);
      if (!refusal) throw error;
      return { accepted: false, refusal };
    }
  }

  /** The peer organisations whose admins the application group's Admins policy requires. */
  applicationAdmins(): PeerOrg[] {
    const net = this.devnet.network();
    return requiredAdmins(net.layout.policies.application.Admins).map((mspId) => {
      const org = net.layout.peerOrgs.find((o) => o.mspId === mspId);
      if (!org) {
        throw new DevnetError('BAD_ARGUMENT', `the Admins policy names ${mspId}, no peer org`);
      }
      return org;
    });
  }
}

/** Crypto, chaincode TLS and the channel group of a candidate organisation (its definition). */
export async function candidateOrgGroup(
  devnet: AdmittingDevnet,
  key: string,
): Promise<{ org: PeerOrg; group: ConfigGroupJson }> {
  const { host } = candidateOf(key);
  const org = hostsNetwork(devnet.paths.root, [host.key]).layout.peerOrgs.find(
    (o) => o.key === host.peerOrg,
  ) as PeerOrg;
  const fabric = requireFabric();
  const paths = devnet.paths;
  const dir = path.join(paths.root, 'candidates', org.key);
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(paths.peerOrgDir(org), 'msp'))) {
    // The new organisation's own CA and identities (cryptogen, as for the others).
    const config = path.join(dir, 'crypto-config.yaml');
    fs.writeFileSync(config, YAML.stringify({ PeerOrgs: [peerOrgCrypto(org)] }));
    await run(path.join(fabric.bin, 'cryptogen'), [
      'generate',
      `--config=${config}`,
      `--output=${paths.crypto}`,
    ]);
    normaliseCertificates(paths.peerOrgDir(org));
  }
  if (!fs.existsSync(chaincodeTlsFile(paths, 'caCert', org.key))) {
    writeChaincodeTls(paths, generateChaincodeTls(HOST), org.key);
  }
  // configtxgen -printOrg: its MSP (NodeOUs included) and policies as Fabric encodes them.
  fs.writeFileSync(
    path.join(dir, 'configtx.yaml'),
    YAML.stringify({ Organizations: [peerOrgSection(org, paths)] }),
  );
  const { stdout } = await run(path.join(fabric.bin, 'configtxgen'), [
    '-configPath',
    dir,
    '-printOrg',
    configtxOrgName(org.mspId),
  ]);
  const group = JSON.parse(stdout.slice(stdout.indexOf('{'))) as ConfigGroupJson;
  // -printOrg leaves out anchor peers: the organisation's peer, by its TLS host name.
  group.values.AnchorPeers = {
    mod_policy: 'Admins',
    value: { anchor_peers: [{ host: org.peer.endpoint, port: org.peer.port }] },
    version: '0',
  };
  return { org, group };
}

/**
 * Admits a candidate (`macao`): its organisation added to the channel's application group
 * by an update the Admins policy's admins sign, each on its own host. Resolves with the
 * organisation and whether this call made the update (false: it was already a member).
 */
export async function admitOrganisation(
  devnet: AdmittingDevnet,
  key: string,
): Promise<{ org: PeerOrg; updated: boolean }> {
  const { org, group } = await candidateOrgGroup(devnet, key);
  const configurator = new ChannelConfigurator(devnet);
  const signers = configurator.applicationAdmins();
  const name = configtxOrgName(org.mspId);
  const probe = path.join(devnet.paths.root, 'updates', 'probe');
  fs.mkdirSync(probe, { recursive: true });
  const current = await configurator.fetchConfig(signers[0] as PeerOrg, probe);
  if (current.channel_group.groups.Application?.groups[name]) return { org, updated: false };
  const outcome = await configurator.propose(
    `admit-${org.key}`,
    (config) => {
      const application = config.channel_group.groups.Application;
      if (!application) throw new DevnetError('STEP_FAILED', 'the config has no Application');
      application.groups[name] = group;
    },
    signers,
  );
  if (!outcome.accepted) {
    throw new DevnetError(
      'STEP_FAILED',
      `the orderer refused to admit ${org.mspId}: ${outcome.refusal.status} ${outcome.refusal.info}`,
    );
  }
  return { org, updated: true };
}
