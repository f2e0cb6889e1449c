/**
 * The Fabric messages the verifier reads, decoded from their wire bytes (field numbers from
 * hyperledger/fabric-protos: common, peer, msp, ledger/rwset). Only the fields a check
 * needs are decoded; every bytes field keeps the exact bytes that were hashed or signed.
 */
import { Message } from './protobuf';

/** common.HeaderType */
export const HEADER_TYPE = { CONFIG: 1, ENDORSER_TRANSACTION: 3 } as const;

/** common.BlockMetadataIndex */
export const METADATA_INDEX = { SIGNATURES: 0, LAST_CONFIG: 1, TRANSACTIONS_FILTER: 2 } as const;

/** peer.TxValidationCode, by number (the names the peers record). */
export const VALIDATION_CODES: Readonly<Record<number, string>> = {
  0: 'VALID',
  1: 'NIL_ENVELOPE',
  2: 'BAD_PAYLOAD',
  3: 'BAD_COMMON_HEADER',
  4: 'BAD_CREATOR_SIGNATURE',
  5: 'INVALID_ENDORSER_TRANSACTION',
  6: 'INVALID_CONFIG_TRANSACTION',
  7: 'UNSUPPORTED_TX_PAYLOAD',
  8: 'BAD_PROPOSAL_TXID',
  9: 'DUPLICATE_TXID',
  10: 'ENDORSEMENT_POLICY_FAILURE',
  11: 'MVCC_READ_CONFLICT',
  12: 'PHANTOM_READ_CONFLICT',
  13: 'UNKNOWN_TX_TYPE',
  14: 'TARGET_CHAIN_NOT_FOUND',
  15: 'MARSHAL_TX_ERROR',
  16: 'NIL_TXACTION',
  17: 'EXPIRED_CHAINCODE',
  18: 'CHAINCODE_VERSION_CONFLICT',
  19: 'BAD_HEADER_EXTENSION',
  20: 'BAD_CHANNEL_HEADER',
  21: 'BAD_RESPONSE_PAYLOAD',
  22: 'BAD_RWSET',
  23: 'ILLEGAL_WRITESET',
  24: 'INVALID_WRITESET',
  25: 'INVALID_CHAINCODE',
  254: 'NOT_VALIDATED',
  255: 'INVALID_OTHER_REASON',
};

export const validationCodeName = (code: number): string =>
  VALIDATION_CODES[code] ?? `CODE_${code}`;

export interface BlockHeader {
  number: bigint;
  previousHash: Uint8Array;
  dataHash: Uint8Array;
}

export interface Block {
  header: BlockHeader;
  data: Uint8Array[];
  metadata: Uint8Array[];
}

export function decodeBlock(bytes: Uint8Array): Block {
  const m = Message.parse(bytes);
  const header = m.message(1);
  return {
    header: {
      number: header?.uint(1) ?? 0n,
      previousHash: header?.bytes(2) ?? new Uint8Array(0),
      dataHash: header?.bytes(3) ?? new Uint8Array(0),
    },
    data: m.message(2)?.repeatedBytes(1) ?? [],
    metadata: m.message(3)?.repeatedBytes(1) ?? [],
  };
}

export interface MetadataSignature {
  signatureHeader: Uint8Array;
  signature: Uint8Array;
}

export interface BlockMetadata {
  value: Uint8Array;
  signatures: MetadataSignature[];
}

export function decodeMetadata(bytes: Uint8Array): BlockMetadata {
  const m = Message.parse(bytes);
  return {
    value: m.bytes(1),
    signatures: m.repeatedMessages(2).map((s) => ({
      signatureHeader: s.bytes(1),
      signature: s.bytes(2),
    })),
  };
}

/** OrdererBlockMetadata (the signed value of SIGNATURES metadata): the last config index. */
export function decodeOrdererBlockMetadata(bytes: Uint8Array): { lastConfig: bigint } {
  return { lastConfig: Message.parse(bytes).message(1)?.uint(1) ?? 0n };
}

export interface Envelope {
  payload: Uint8Array;
  signature: Uint8Array;
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  const m = Message.parse(bytes);
  return { payload: m.bytes(1), signature: m.bytes(2) };
}

export interface Payload {
  channelHeader: Uint8Array;
  signatureHeader: Uint8Array;
  data: Uint8Array;
}

export function decodePayload(bytes: Uint8Array): Payload {
  const m = Message.parse(bytes);
  const header = m.message(1);
  return {
    channelHeader: header?.bytes(1) ?? new Uint8Array(0),
    signatureHeader: header?.bytes(2) ?? new Uint8Array(0),
    data: m.bytes(2),
  };
}

export interface ChannelHeader {
  type: number;
  /** The client's timestamp (not checked by the ordering service). */
  timestamp: Date;
  channelId: string;
  txId: string;
  epoch: bigint;
  extension: Uint8Array;
}

export function decodeChannelHeader(bytes: Uint8Array): ChannelHeader {
  const m = Message.parse(bytes);
  const ts = m.message(3);
  const millis = Number(ts?.int(1) ?? 0n) * 1000 + Math.floor((ts?.int32(2) ?? 0) / 1_000_000);
  return {
    type: m.int32(1),
    timestamp: new Date(millis),
    channelId: m.string(4),
    txId: m.string(5),
    epoch: m.uint(6),
    extension: m.bytes(7),
  };
}

export interface SignatureHeader {
  creator: Uint8Array;
  nonce: Uint8Array;
}

export function decodeSignatureHeader(bytes: Uint8Array): SignatureHeader {
  const m = Message.parse(bytes);
  return { creator: m.bytes(1), nonce: m.bytes(2) };
}

export interface SerializedIdentity {
  mspId: string;
  /** PEM of the X.509 certificate. */
  idBytes: Uint8Array;
}

export function decodeSerializedIdentity(bytes: Uint8Array): SerializedIdentity {
  const m = Message.parse(bytes);
  return { mspId: m.string(1), idBytes: m.bytes(2) };
}

export interface Endorsement {
  endorser: Uint8Array;
  signature: Uint8Array;
}

export interface EndorserTransaction {
  /** Per action: its signature header bytes and the chaincode action payload. */
  actions: {
    header: Uint8Array;
    chaincodeProposalPayload: Uint8Array;
    proposalResponsePayload: Uint8Array;
    endorsements: Endorsement[];
  }[];
}

export function decodeTransaction(bytes: Uint8Array): EndorserTransaction {
  return {
    actions: Message.parse(bytes)
      .repeatedMessages(1)
      .map((action) => {
        const cap = Message.parse(action.bytes(2));
        const endorsed = cap.message(2);
        return {
          header: action.bytes(1),
          chaincodeProposalPayload: cap.bytes(1),
          proposalResponsePayload: endorsed?.bytes(1) ?? new Uint8Array(0),
          endorsements: (endorsed?.repeatedMessages(2) ?? []).map((e) => ({
            endorser: e.bytes(1),
            signature: e.bytes(2),
          })),
        };
      }),
  };
}

export interface ChaincodeId {
  name: string;
  version: string;
}

export function decodeChaincodeHeaderExtension(bytes: Uint8Array): ChaincodeId | undefined {
  const id = Message.parse(bytes).message(2);
  return id && { name: id.string(2), version: id.string(3) };
}

export interface ProposalResponsePayload {
  proposalHash: Uint8Array;
  extension: Uint8Array;
}

export function decodeProposalResponsePayload(bytes: Uint8Array): ProposalResponsePayload {
  const m = Message.parse(bytes);
  return { proposalHash: m.bytes(1), extension: m.bytes(2) };
}

export interface ChaincodeEvent {
  chaincodeId: string;
  txId: string;
  eventName: string;
  payload: Uint8Array;
}

export interface ChaincodeAction {
  results: Uint8Array;
  events?: ChaincodeEvent;
  response: { status: number; message: string; payload: Uint8Array };
  chaincodeId?: ChaincodeId;
}

export function decodeChaincodeAction(bytes: Uint8Array): ChaincodeAction {
  const m = Message.parse(bytes);
  const response = m.message(3);
  const id = m.message(4);
  const events = m.has(2) && m.bytes(2).length > 0 ? Message.parse(m.bytes(2)) : undefined;
  return {
    results: m.bytes(1),
    events: events && {
      chaincodeId: events.string(1),
      txId: events.string(2),
      eventName: events.string(3),
      payload: events.bytes(4),
    },
    response: {
      status: response?.int32(1) ?? 0,
      message: response?.string(2) ?? '',
      payload: response?.bytes(3) ?? new Uint8Array(0),
    },
    chaincodeId: id && { name: id.string(2), version: id.string(3) },
  };
}

/** The invocation in a ChaincodeProposalPayload: chaincode name and arguments. */
export function decodeInvocation(chaincodeProposalPayload: Uint8Array): {
  chaincode: string;
  args: Uint8Array[];
} {
  const spec = Message.parse(chaincodeProposalPayload).message(1)?.message(1);
  return {
    chaincode: spec?.message(2)?.string(2) ?? '',
    args: spec?.message(3)?.repeatedBytes(1) ?? [],
  };
}

export interface MetadataEntry {
  name: string;
  value: Uint8Array;
}

export interface KvWrite {
  key: string;
  isDelete: boolean;
  value: Uint8Array;
}

export interface HashedWrite {
  keyHash: Uint8Array;
  isDelete: boolean;
}

export interface CollectionWrites {
  collection: string;
  writes: HashedWrite[];
  metadataWrites: { keyHash: Uint8Array; entries: MetadataEntry[] }[];
}

export interface NamespaceRwSet {
  namespace: string;
  writes: KvWrite[];
  metadataWrites: { key: string; entries: MetadataEntry[] }[];
  collections: CollectionWrites[];
}

const entriesOf = (m: Message): MetadataEntry[] =>
  m.repeatedMessages(2).map((e) => ({ name: e.string(1), value: e.bytes(2) }));

/** The writes of a TxReadWriteSet (reads are the peers' business: MVCC). */
export function decodeRwSet(bytes: Uint8Array): NamespaceRwSet[] {
  return Message.parse(bytes)
    .repeatedMessages(2)
    .map((ns) => {
      const kv = Message.parse(ns.bytes(2));
      return {
        namespace: ns.string(1),
        writes: kv.repeatedMessages(3).map((w) => ({
          key: w.string(1),
          isDelete: w.bool(2),
          value: w.bytes(3),
        })),
        metadataWrites: kv
          .repeatedMessages(4)
          .map((w) => ({ key: w.string(1), entries: entriesOf(w) })),
        collections: ns.repeatedMessages(3).map((c) => {
          const hashed = Message.parse(c.bytes(2));
          return {
            collection: c.string(1),
            writes: hashed
              .repeatedMessages(2)
              .map((w) => ({ keyHash: w.bytes(1), isDelete: w.bool(2) })),
            metadataWrites: hashed
              .repeatedMessages(3)
              .map((w) => ({ keyHash: w.bytes(1), entries: entriesOf(w) })),
          };
        }),
      };
    });
}

// --- configuration ----------------------------------------------------------------------

export interface ConfigValue {
  version: bigint;
  value: Uint8Array;
  modPolicy: string;
}

export interface PolicyBytes {
  type: number;
  value: Uint8Array;
}

export interface ConfigPolicy {
  version: bigint;
  policy?: PolicyBytes;
  modPolicy: string;
}

export interface ConfigGroup {
  version: bigint;
  groups: Map<string, ConfigGroup>;
  values: Map<string, ConfigValue>;
  policies: Map<string, ConfigPolicy>;
  modPolicy: string;
}

function configGroupOf(m: Message): ConfigGroup {
  const mapOf = <T>(n: number, f: (m: Message) => T) =>
    new Map([...m.map(n)].map(([k, v]) => [k, f(v)] as const));
  return {
    version: m.uint(1),
    groups: mapOf(2, configGroupOf),
    values: mapOf(3, (v) => ({ version: v.uint(1), value: v.bytes(2), modPolicy: v.string(3) })),
    policies: mapOf(4, (p) => {
      const policy = p.message(2);
      return {
        version: p.uint(1),
        policy: policy && { type: policy.int32(1), value: policy.bytes(2) },
        modPolicy: p.string(3),
      };
    }),
    modPolicy: m.string(5),
  };
}

export function decodeConfigGroup(bytes: Uint8Array): ConfigGroup {
  return configGroupOf(Message.parse(bytes));
}

export interface ConfigEnvelope {
  sequence: bigint;
  channelGroup: ConfigGroup;
  /** The CONFIG_UPDATE envelope that produced this configuration (empty in a genesis block). */
  lastUpdate: Uint8Array;
}

export function decodeConfigEnvelope(bytes: Uint8Array): ConfigEnvelope {
  const m = Message.parse(bytes);
  const config = m.message(1);
  return {
    sequence: config?.uint(1) ?? 0n,
    channelGroup: configGroupOf(config?.message(2) ?? Message.parse(new Uint8Array(0))),
    lastUpdate: m.bytes(2),
  };
}

export interface ConfigUpdateEnvelope {
  configUpdate: Uint8Array;
  signatures: MetadataSignature[];
}

export function decodeConfigUpdateEnvelope(bytes: Uint8Array): ConfigUpdateEnvelope {
  const m = Message.parse(bytes);
  return {
    configUpdate: m.bytes(1),
    signatures: m.repeatedMessages(2).map((s) => ({
      signatureHeader: s.bytes(1),
      signature: s.bytes(2),
    })),
  };
}

export interface ConfigUpdate {
  channelId: string;
  readSet?: ConfigGroup;
  writeSet?: ConfigGroup;
}

export function decodeConfigUpdate(bytes: Uint8Array): ConfigUpdate {
  const m = Message.parse(bytes);
  const read = m.message(2);
  const write = m.message(3);
  return {
    channelId: m.string(1),
    readSet: read && configGroupOf(read),
    writeSet: write && configGroupOf(write),
  };
}

// --- policies and MSPs ------------------------------------------------------------------

/** common.Policy.PolicyType */
export const POLICY_TYPE = { SIGNATURE: 1, MSP: 2, IMPLICIT_META: 3 } as const;

/** msp.MSPPrincipal.Classification */
export const PRINCIPAL = { ROLE: 0, ORGANIZATION_UNIT: 1, IDENTITY: 2, ANONYMITY: 3, COMBINED: 4 };

/** msp.MSPRole.MSPRoleType */
export const ROLE = { MEMBER: 0, ADMIN: 1, CLIENT: 2, PEER: 3, ORDERER: 4 } as const;
export const ROLE_NAMES: Readonly<Record<number, string>> = {
  0: 'member',
  1: 'admin',
  2: 'client',
  3: 'peer',
  4: 'orderer',
};

export interface Principal {
  classification: number;
  principal: Uint8Array;
}

export type SignatureRule = { signedBy: number } | { n: number; rules: SignatureRule[] };

export interface SignaturePolicyEnvelope {
  version: number;
  rule?: SignatureRule;
  identities: Principal[];
}

/** Deeper policies than any real one: refused rather than recursed into. */
const MAX_POLICY_DEPTH = 32;

function ruleOf(m: Message, depth = 0): SignatureRule | undefined {
  if (depth > MAX_POLICY_DEPTH) return undefined;
  if (m.has(1)) return { signedBy: m.int32(1) };
  const nOutOf = m.message(2);
  if (!nOutOf) return undefined;
  const rules: SignatureRule[] = [];
  for (const r of nOutOf.repeatedMessages(2)) {
    const rule = ruleOf(r, depth + 1);
    if (rule) rules.push(rule);
    else return undefined;
  }
  return { n: nOutOf.int32(1), rules };
}

export function decodeSignaturePolicyEnvelope(bytes: Uint8Array): SignaturePolicyEnvelope {
  const m = Message.parse(bytes);
  const rule = m.message(2);
  return {
    version: m.int32(1),
    rule: rule && ruleOf(rule),
    identities: m
      .repeatedMessages(3)
      .map((p) => ({ classification: p.int32(1), principal: p.bytes(2) })),
  };
}

export function decodeMspRole(bytes: Uint8Array): { mspId: string; role: number } {
  const m = Message.parse(bytes);
  return { mspId: m.string(1), role: m.int32(2) };
}

export function decodeOrganizationUnit(bytes: Uint8Array): {
  mspId: string;
  ou: string;
  certifiersIdentifier: Uint8Array;
} {
  const m = Message.parse(bytes);
  return { mspId: m.string(1), ou: m.string(2), certifiersIdentifier: m.bytes(3) };
}

/** common.ImplicitMetaPolicy.Rule */
export const IMPLICIT_RULE = { ANY: 0, ALL: 1, MAJORITY: 2 } as const;

export function decodeImplicitMetaPolicy(bytes: Uint8Array): { subPolicy: string; rule: number } {
  const m = Message.parse(bytes);
  return { subPolicy: m.string(1), rule: m.int32(2) };
}

export type ApplicationPolicy =
  { signaturePolicy: SignaturePolicyEnvelope } | { channelConfigPolicyReference: string };

export function decodeApplicationPolicy(bytes: Uint8Array): ApplicationPolicy | undefined {
  const m = Message.parse(bytes);
  if (m.has(1)) return { signaturePolicy: decodeSignaturePolicyEnvelope(m.bytes(1)) };
  if (m.has(2)) return { channelConfigPolicyReference: m.string(2) };
  return undefined;
}

export interface NodeOU {
  ou: string;
  certificate: Uint8Array;
}

export interface FabricMspConfig {
  name: string;
  rootCerts: Uint8Array[];
  intermediateCerts: Uint8Array[];
  admins: Uint8Array[];
  revocationList: Uint8Array[];
  organizationalUnitIdentifiers: NodeOU[];
  nodeOUs?: {
    enable: boolean;
    client?: NodeOU;
    peer?: NodeOU;
    admin?: NodeOU;
    orderer?: NodeOU;
  };
}

const nodeOuOf = (m: Message | undefined): NodeOU | undefined =>
  m && { certificate: m.bytes(1), ou: m.string(2) };

/** MSPConfig of type 0 (X.509); undefined for other MSP types (idemix). */
export function decodeMspConfig(bytes: Uint8Array): FabricMspConfig | undefined {
  const m = Message.parse(bytes);
  if (m.int32(1) !== 0) return undefined;
  const c = Message.parse(m.bytes(2));
  const ous = c.message(11);
  return {
    name: c.string(1),
    rootCerts: c.repeatedBytes(2),
    intermediateCerts: c.repeatedBytes(3),
    admins: c.repeatedBytes(4),
    revocationList: c.repeatedBytes(5),
    organizationalUnitIdentifiers: c.repeatedMessages(7).map((o) => nodeOuOf(o) as NodeOU),
    nodeOUs: ous && {
      enable: ous.bool(1),
      client: nodeOuOf(ous.message(2)),
      peer: nodeOuOf(ous.message(3)),
      admin: nodeOuOf(ous.message(4)),
      orderer: nodeOuOf(ous.message(5)),
    },
  };
}

// --- chaincode lifecycle state ------------------------------------------------------------

/** lifecycle.StateData: how _lifecycle stores each field of a chaincode definition. */
export function decodeStateDataBytes(bytes: Uint8Array): Uint8Array {
  return Message.parse(bytes).bytes(2);
}

/** lifecycle.ChaincodeValidationInfo */
export function decodeValidationInfo(bytes: Uint8Array): { plugin: string; parameter: Uint8Array } {
  const m = Message.parse(bytes);
  return { plugin: m.string(1), parameter: m.bytes(2) };
}

/** peer.CollectionConfigPackage: each static collection's name and endorsement policy. */
export function decodeCollections(
  bytes: Uint8Array,
): { name: string; endorsementPolicy?: Uint8Array }[] {
  return Message.parse(bytes)
    .repeatedMessages(1)
    .flatMap((c) => {
      const s = c.message(1);
      if (!s) return [];
      return [{ name: s.string(1), endorsementPolicy: s.has(8) ? s.bytes(8) : undefined }];
    });
}

/** peer.ProcessedTransaction (qscc GetTransactionByID). */
export function decodeProcessedTransaction(bytes: Uint8Array): {
  envelope: Uint8Array;
  validationCode: number;
} {
  const m = Message.parse(bytes);
  return { envelope: m.bytes(1), validationCode: m.int32(2) };
}
