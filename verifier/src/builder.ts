/**
 * Builds evidence bundles from a ledger it can read block by block (qscc on a peer, through
 * whatever client: see LedgerReader) and statements of validity from attesters. Pure: the
 * reader and attesters are injected. It keeps an index of the channel (configuration
 * blocks; which valid transaction last wrote each key's value or policy) built once by
 * reading every block from the genesis block, then only the new ones.
 */
import { canonicalJson, toHex } from '@clearance/core';
import {
  ATTESTATION_TYPE,
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type Attestation,
  type BlockJson,
  type Bundle,
  type Claims,
  type Facts,
  type Source,
  type Statement,
} from './bundle';
import { claimsDigest, signStatement } from './attestation';
import { blockHeaderBytes, sha256 } from './crypto';
import { LIFECYCLE_NAMESPACE, definitionKey, type Position } from './endorsement-policy';
import { factsOf } from './facts';
import {
  HEADER_TYPE,
  METADATA_INDEX,
  decodeBlock,
  decodeMetadata,
  decodeOrdererBlockMetadata,
  decodeSerializedIdentity,
  validationCodeName,
  type Block,
} from './fabric-messages';
import {
  blockOrder,
  decodeEndorserAction,
  decodeEnvelopeBytes,
  toBase64,
  type EndorserAction,
} from './ledger';

/** What the builder needs of a peer: Fabric's qscc system chaincode, in effect. */
export interface LedgerReader {
  /** qscc GetBlockByNumber: the block as the peer stores it (protobuf bytes). */
  blockByNumber(number: bigint): Promise<Uint8Array>;
  /** qscc GetBlockByTxID */
  blockByTransactionId(transactionId: string): Promise<Uint8Array>;
  /** qscc GetTransactionByID: the validation code the peer recorded. */
  validationCode(transactionId: string): Promise<number>;
  /** qscc GetChainInfo: the channel's height (number of blocks). */
  height(): Promise<bigint>;
}

/**
 * An organisation that states what its own peer recorded for a bundle's transactions, for
 * the claims (facts, transactions, sources) it checked against its own peer.
 */
export interface Attester {
  readonly mspId: string;
  attest(claims: Claims): Promise<Attestation>;
}

/** Thrown when the ledger does not hold what a bundle needs (coded, with the transaction). */
export class EvidenceError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'NOT_ENDORSER_TRANSACTION' | 'NOT_EVIDENCE',
    message: string,
  ) {
    super(message);
  }
}

export const headerHashOf = async (block: Block) =>
  toHex(await sha256(blockHeaderBytes(block.header)));

/** A block as the bundle carries it: header, every envelope, the orderers' signatures. */
export function blockJson(block: Block): BlockJson {
  const signatures = block.metadata[METADATA_INDEX.SIGNATURES];
  const metadata = signatures && signatures.length > 0 ? decodeMetadata(signatures) : undefined;
  return {
    number: block.header.number.toString(),
    previousHash: toHex(block.header.previousHash),
    dataHash: toHex(block.header.dataHash),
    data: block.data.map(toBase64),
    ...(metadata && metadata.signatures.length > 0
      ? {
          signatures: {
            value: toBase64(metadata.value),
            items: metadata.signatures.map((s) => ({
              signatureHeader: toBase64(s.signatureHeader),
              signature: toBase64(s.signature),
            })),
          },
        }
      : {}),
  };
}

/**
 * An attester reading its own peer through `reader` and signing with its own key. Before it
 * signs it checks the claims against its peer: each transaction where the bundle says, and
 * the facts as the subjects' writes on its peer state them.
 */
export function createAttester(options: {
  reader: LedgerReader;
  channel: string;
  chaincode: string;
  mspId: string;
  certificate: string;
  sign: (message: Uint8Array) => Promise<Uint8Array>;
  now?: () => Date;
}): Attester {
  const { reader } = options;
  return {
    mspId: options.mspId,
    async attest(claims) {
      const transactions: Statement['transactions'] = [];
      const subjects: Included[] = [];
      for (const ref of claims.transactions) {
        const block = decodeBlock(await reader.blockByTransactionId(ref.id));
        const included = includedFrom(ref.id, block);
        if (
          included.position.block.toString() !== ref.block ||
          included.position.index !== ref.index
        )
          throw new EvidenceError('NOT_EVIDENCE', `${ref.id} is not at ${ref.block}/${ref.index}`);
        if (ref.role === 'subject') subjects.push(included);
        const code = await reader.validationCode(ref.id);
        transactions.push({
          transactionId: ref.id,
          blockNumber: ref.block,
          blockHash: await headerHashOf(block),
          validationCode: code,
          validationCodeName: validationCodeName(code),
        });
      }
      const facts = factsOf(claims.facts.kind, subjects, options.chaincode);
      if (!facts.ok || canonicalJson(facts.facts) !== canonicalJson(claims.facts))
        throw new EvidenceError(
          'NOT_EVIDENCE',
          `${options.mspId}: the facts are not what its peer holds`,
        );
      const statement: Statement = {
        type: ATTESTATION_TYPE,
        channel: options.channel,
        attestedAt: (options.now?.() ?? new Date()).toISOString(),
        configuration: await configurationInForce(reader),
        transactions,
        claims: await claimsDigest(claims),
      };
      return signStatement(
        statement,
        { mspId: options.mspId, certificate: options.certificate },
        options.sign,
      );
    },
  };
}

/** The last configuration block of the channel as a peer has it: its number and hash. */
async function configurationInForce(
  reader: LedgerReader,
): Promise<{ blockNumber: string; blockHash: string }> {
  const last = decodeBlock(await reader.blockByNumber((await reader.height()) - 1n));
  const number = lastConfigOf(last);
  const block =
    number === last.header.number ? last : decodeBlock(await reader.blockByNumber(number));
  return { blockNumber: number.toString(), blockHash: await headerHashOf(block) };
}

/** The last configuration index a block's signed metadata names (0 for the genesis block). */
function lastConfigOf(block: Block): bigint {
  const signatures = block.metadata[METADATA_INDEX.SIGNATURES];
  const value = signatures && signatures.length > 0 ? decodeMetadata(signatures).value : undefined;
  return value ? decodeOrdererBlockMetadata(value).lastConfig : 0n;
}

interface Included {
  id: string;
  position: Position;
  action: EndorserAction;
  creatorMsp: string;
  time: Date;
  block: Block;
}

/** A transaction of a block, decoded as the facts and sources need it. */
function includedFrom(id: string, block: Block): Included {
  const at = block.data.findIndex((d) => decodeEnvelopeBytes(d).channelHeader.txId === id);
  const bytes = block.data[at];
  if (!bytes)
    throw new EvidenceError(
      'NOT_FOUND',
      `transaction ${id} is not in block ${block.header.number}`,
    );
  const tx = decodeEnvelopeBytes(bytes);
  if (tx.channelHeader.type !== HEADER_TYPE.ENDORSER_TRANSACTION)
    throw new EvidenceError('NOT_ENDORSER_TRANSACTION', `${id} is not a chaincode transaction`);
  return {
    id,
    position: { block: block.header.number, index: at },
    action: decodeEndorserAction(tx),
    creatorMsp: decodeSerializedIdentity(tx.signatureHeader.creator).mspId,
    time: tx.channelHeader.timestamp,
    block,
  };
}

interface WriteEvent {
  position: Position;
  transactionId: string;
}

const TX_VALID = 0;

/** The channel as the builder needs it: configuration blocks, and who last wrote what. */
class ChannelIndex {
  private scanned = 0n;
  readonly configBlocks: bigint[] = [];
  /** 'value|ns||key' and 'key-policy|ns|coll|key' → valid writes, in ledger order. */
  readonly events = new Map<string, WriteEvent[]>();
  private readonly blocks = new Map<bigint, Block>();

  constructor(private readonly reader: LedgerReader) {}

  async block(number: bigint): Promise<Block> {
    const cached = this.blocks.get(number);
    if (cached) return cached;
    const block = decodeBlock(await this.reader.blockByNumber(number));
    if (this.blocks.size > 256) this.blocks.clear();
    this.blocks.set(number, block);
    return block;
  }

  private scanning: Promise<void> = Promise.resolve();

  /** Reads the blocks not read yet, up to and including `upTo` (one scan at a time). */
  scan(upTo: bigint): Promise<void> {
    const next = this.scanning.then(async () => {
      for (; this.scanned <= upTo; this.scanned++) this.record(await this.block(this.scanned));
    });
    this.scanning = next.catch(() => undefined); // a failed read is tried again by the next scan
    return next;
  }

  private add(key: string, event: WriteEvent) {
    const list = this.events.get(key) ?? [];
    list.push(event);
    this.events.set(key, list);
  }

  private record(block: Block) {
    const flags = block.metadata[METADATA_INDEX.TRANSACTIONS_FILTER] ?? new Uint8Array(0);
    block.data.forEach((bytes, index) => {
      const tx = decodeEnvelopeBytes(bytes);
      if (tx.channelHeader.type === HEADER_TYPE.CONFIG) {
        this.configBlocks.push(block.header.number);
        return;
      }
      // The builder trusts its own peer's flags: only valid writes changed anything.
      if (tx.channelHeader.type !== HEADER_TYPE.ENDORSER_TRANSACTION || flags[index] !== TX_VALID)
        return;
      const event = {
        position: { block: block.header.number, index },
        transactionId: tx.channelHeader.txId,
      };
      for (const ns of decodeEndorserAction(tx).writes) {
        for (const w of ns.writes) {
          // Values matter only for the chaincode definitions _lifecycle keeps.
          if (!w.isDelete && ns.namespace === LIFECYCLE_NAMESPACE)
            this.add(`value|${ns.namespace}||${w.key}`, event);
          else if (w.isDelete) this.add(`key-policy|${ns.namespace}||${w.key}`, event);
        }
        for (const w of ns.metadataWrites) this.add(`key-policy|${ns.namespace}||${w.key}`, event);
        for (const c of ns.collections) {
          for (const w of c.writes)
            if (w.isDelete)
              this.add(`key-policy|${ns.namespace}|${c.collection}|${toHex(w.keyHash)}`, event);
          for (const w of c.metadataWrites)
            this.add(`key-policy|${ns.namespace}|${c.collection}|${toHex(w.keyHash)}`, event);
        }
      }
    });
  }

  /** The last valid write of a kind before a position. */
  lastBefore(key: string, before: Position): WriteEvent | undefined {
    return (this.events.get(key) ?? []).filter((e) => blockOrder(e.position, before) < 0).pop();
  }
}

export interface BuildRequest {
  /** What the bundle attests; the subjects' writes must state it (see facts.ts). */
  kind: Facts['kind'];
  /** The subject transactions: one (a release, a crossing, any transaction) or both final
   * releases of one consignment's declarations. */
  transactionIds: readonly string[];
}

export interface BundleBuilder {
  build(request: BuildRequest): Promise<Bundle>;
}

export function createBundleBuilder(options: {
  reader: LedgerReader;
  channel: string;
  /** The chaincode whose records the facts are read from. */
  chaincode: string;
  attesters: readonly Attester[];
}): BundleBuilder {
  const index = new ChannelIndex(options.reader);

  async function include(id: string, block?: Block): Promise<Included> {
    let found = block;
    if (!found) {
      try {
        found = decodeBlock(await options.reader.blockByTransactionId(id));
      } catch (error) {
        throw new EvidenceError(
          'NOT_FOUND',
          `transaction ${id} is not on the ledger: ${String(error)}`,
        );
      }
    }
    return includedFrom(id, found);
  }

  /** The sources a transaction's validation depends on (see endorsement-policy.ts). */
  function sourcesOf(tx: Included): { source: Source; event: WriteEvent }[] {
    const out: { source: Source; event: WriteEvent }[] = [];
    const namespaces = new Set([tx.action.chaincode, ...tx.action.writes.map((w) => w.namespace)]);
    for (const ns of namespaces) {
      if (ns === LIFECYCLE_NAMESPACE) continue;
      const fields = ['ValidationInfo'];
      if (tx.action.writes.some((w) => w.namespace === ns && w.collections.length > 0))
        fields.push('Collections');
      for (const field of fields) {
        const key = definitionKey(ns, field);
        const event = index.lastBefore(`value|${LIFECYCLE_NAMESPACE}||${key}`, tx.position);
        if (event)
          out.push({
            event,
            source: {
              transaction: event.transactionId,
              kind: 'value',
              namespace: LIFECYCLE_NAMESPACE,
              key,
            },
          });
      }
    }
    for (const ns of tx.action.writes) {
      const keys: [string, string][] = [
        ...ns.writes.map((w): [string, string] => ['', w.key]),
        ...ns.metadataWrites.map((w): [string, string] => ['', w.key]),
        ...ns.collections.flatMap((c) =>
          [...c.writes, ...c.metadataWrites].map((w): [string, string] => [
            c.collection,
            toHex(w.keyHash),
          ]),
        ),
      ];
      for (const [collection, key] of keys) {
        const event = index.lastBefore(
          `key-policy|${ns.namespace}|${collection}|${key}`,
          tx.position,
        );
        if (event)
          out.push({
            event,
            source: {
              transaction: event.transactionId,
              kind: 'key-policy',
              namespace: ns.namespace,
              ...(collection ? { collection } : {}),
              key,
            },
          });
      }
    }
    return out;
  }

  return {
    async build(request) {
      if (request.transactionIds.length === 0)
        throw new EvidenceError('NOT_EVIDENCE', 'no transaction to make evidence of');
      const subjects: Included[] = [];
      for (const id of request.transactionIds) subjects.push(await include(id));
      const highest = subjects.reduce((m, s) => (s.position.block > m ? s.position.block : m), 0n);
      await index.scan(highest);
      const included = new Map<string, { tx: Included; role: 'subject' | 'source' }>(
        subjects.map((s) => [s.id, { tx: s, role: 'subject' as const }]),
      );
      const sources = new Map<string, Source>();
      const queue = [...subjects];
      for (let tx = queue.shift(); tx; tx = queue.shift()) {
        for (const { source, event } of sourcesOf(tx)) {
          sources.set(JSON.stringify(source), source);
          if (included.has(event.transactionId)) continue;
          const found = await include(event.transactionId, await index.block(event.position.block));
          included.set(found.id, { tx: found, role: 'source' });
          queue.push(found);
        }
      }
      const facts = factsOf(request.kind, subjects, options.chaincode);
      if (!facts.ok) throw new EvidenceError('NOT_EVIDENCE', `${facts.reason}: ${facts.detail}`);
      const ordered = [...included.values()].sort((a, b) =>
        blockOrder(a.tx.position, b.tx.position),
      );
      const blocks = new Map<bigint, Block>();
      for (const { tx } of ordered) blocks.set(tx.position.block, tx.block);
      // The chain up to the configuration in force now: the attesters are judged under it.
      await index.scan((await options.reader.height()) - 1n);
      const configuration: BlockJson[] = [];
      for (const number of index.configBlocks)
        configuration.push(blockJson(await index.block(number)));
      const claims: Claims = {
        facts: facts.facts,
        transactions: ordered.map(({ tx, role }) => ({
          id: tx.id,
          block: tx.position.block.toString(),
          index: tx.position.index,
          role,
        })),
        sources: [...sources.values()],
      };
      const attestations = await Promise.all(options.attesters.map((a) => a.attest(claims)));
      return {
        format: BUNDLE_FORMAT,
        version: BUNDLE_VERSION,
        channel: options.channel,
        ...claims,
        blocks: [...blocks.values()].map(blockJson),
        configuration,
        attestations,
      };
    },
  };
}

/** A trust root for a channel, from its genesis block (what its members publish and pin). */
export async function trustRootOf(
  genesisBlock: Uint8Array,
  settings: {
    chaincode: string;
    attestation: {
      required: number;
      of: { mspId: string; role: 'member' | 'admin' | 'client' | 'peer' | 'orderer' }[];
    };
    organisations?: Record<string, { en: string; 'zh-HK': string; 'zh-CN': string }>;
  },
) {
  const block = decodeBlock(genesisBlock);
  const [first] = block.data;
  if (block.header.number !== 0n || !first)
    throw new EvidenceError('NOT_EVIDENCE', 'not a genesis block');
  return {
    format: 'clearance-trust-root' as const,
    version: 1 as const,
    channel: decodeEnvelopeBytes(first).channelHeader.channelId,
    genesisBlockHash: await headerHashOf(block),
    chaincode: settings.chaincode,
    attestation: settings.attestation,
    ...(settings.organisations ? { organisations: settings.organisations } : {}),
  };
}
