/**
 * An in-memory twin of the parts of a Fabric peer the contracts use, for unit tests only.
 * It keeps Fabric's transaction semantics that matter to contract logic: reads see only
 * committed state (not the transaction's own writes), a failed transaction writes nothing,
 * and only the last event a transaction sets is emitted. Like a channel it holds one state
 * per namespace (chaincode definition): a transaction is proposed to one namespace, routed as
 * the gateway routes it (routeOf), and may call into another namespace (invokeChaincode),
 * whose reads and writes join the same transaction; the proposal keeps naming the first.
 */
import type { Context, Contract } from 'fabric-contract-api';
import { common, peer } from '@hyperledger/fabric-protos';
import {
  JURISDICTION_NAMESPACES,
  LedgerError,
  NAMESPACES,
  RECORD_KEYS,
  isNamespace,
  routeOf,
  type Namespace,
} from '@clearance/domain';

export interface TestIdentity {
  mspId: string;
  id: string;
  attributes?: Record<string, string>;
}

export interface EmittedEvent {
  txId: string;
  name: string;
  payload: string;
}

export interface SubmitResult {
  result: string;
  txId: string;
  event?: EmittedEvent;
}

/** What a behaviour suite drives: the twin here, the real network in integration tests. */
export interface ContractInvoker {
  submit(
    transaction: string,
    args: string[],
    transient?: Record<string, string>,
    options?: InvokeOptions,
  ): Promise<SubmitResult>;
  /** Simulates without writing; transient data as in submit. */
  evaluate(
    transaction: string,
    args: string[],
    transient?: Record<string, string>,
    options?: InvokeOptions,
  ): Promise<string>;
}

/** The transaction id to run under (a Fabric client picks it before endorsement). */
export interface InvokeOptions {
  txId?: string;
  /** The namespace to propose to; absent: where routeOf sends it. */
  namespace?: string;
}

interface HistoryEntry {
  txId: string;
  millis: number;
  value: Uint8Array | null;
}

const SEP = '\u0000';

/** Rows as the shim's query iterators give them: async-iterable, with close(). */
function iterable<T>(
  rows: T[],
): Promise<AsyncIterable<T> & { close(): Promise<void> }> & AsyncIterable<T> {
  const it = {
    async *[Symbol.asyncIterator]() {
      yield* rows;
    },
    close: async () => undefined,
  };
  return Object.assign(Promise.resolve(it), { [Symbol.asyncIterator]: it[Symbol.asyncIterator] });
}

/** One namespace's committed state. */
class NamespaceState {
  readonly state = new Map<string, Uint8Array>();
  readonly privateState = new Map<string, Uint8Array>();
  readonly history = new Map<string, HistoryEntry[]>();
  readonly validationParameters = new Map<string, Uint8Array>();
}

/** What one transaction has done so far, across the namespaces it touched. */
interface TxContext {
  txId: string;
  millis: number;
  proposed: string;
  identity: TestIdentity;
  transient: Record<string, string>;
  writes: Map<Namespace, Map<string, Uint8Array | null>>;
  privateWrites: Map<Namespace, Map<string, Uint8Array>>;
  parameterWrites: Map<Namespace, Map<string, Uint8Array>>;
  event?: EmittedEvent;
  /** Public keys read so far (one per getState, one per row a range query yields). */
  keysRead: number;
}

function signedProposalOf(namespace: string) {
  const extension = new peer.ChaincodeHeaderExtension();
  const id = new peer.ChaincodeID();
  id.setName(namespace);
  extension.setChaincodeId(id);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setExtension$(extension.serializeBinary());
  return { proposal: { header: { channelHeader } }, signature: new Uint8Array() };
}

const bucket = <K, V>(map: Map<Namespace, Map<K, V>>, ns: Namespace): Map<K, V> => {
  let inner = map.get(ns);
  if (!inner) map.set(ns, (inner = new Map()));
  return inner;
};

export class MemoryLedger {
  private readonly spaces = new Map<Namespace, NamespaceState>(
    NAMESPACES.map((ns) => [ns, new NamespaceState()]),
  );
  readonly events: EmittedEvent[] = [];
  private txCounter = 0;
  private clockMillis = Date.now();
  /** Public keys the last transaction run (submitted or evaluated) read, across namespaces. */
  lastKeysRead = 0;

  constructor(private readonly contracts: Contract[]) {}

  private space(namespace: Namespace): NamespaceState {
    const space = this.spaces.get(namespace);
    if (!space) throw new Error(`no namespace ${namespace}`);
    return space;
  }

  /** Key-level endorsement policies set by the contracts, of every namespace. */
  get validationParameters(): ReadonlyMap<string, Uint8Array> {
    return new Map([...this.spaces.values()].flatMap((s) => [...s.validationParameters]));
  }

  /** Advances the ledger clock (transaction timestamps) by `ms`. */
  advanceClock(ms: number): void {
    this.clockMillis += ms;
  }

  get size(): number {
    return [...this.spaces.values()].reduce((n, s) => n + s.state.size, 0);
  }

  /** Committed state of one namespace, or of all of them. */
  snapshot(namespace?: Namespace): Map<string, string> {
    const spaces = namespace ? [this.space(namespace)] : [...this.spaces.values()];
    return new Map(
      spaces.flatMap((s) => [...s.state].map(([k, v]) => [k, Buffer.from(v).toString()])),
    );
  }

  /** Whether a namespace holds a public key (committed). */
  holds(namespace: Namespace, key: string): boolean {
    return this.space(namespace).state.has(key);
  }

  invokerFor(identity: TestIdentity): ContractInvoker {
    return {
      submit: async (transaction, args, transient = {}, options = {}) =>
        this.run(
          identity,
          this.routed(transaction, args, identity, options),
          transaction,
          args,
          true,
          transient,
          options.txId,
        ),
      evaluate: async (transaction, args, transient = {}, options = {}) => {
        const route = routeOf(transaction, args, identity.mspId);
        if (route.kind === 'first-found' && options.namespace === undefined) {
          let missing: unknown;
          for (const ns of route.namespaces) {
            try {
              return (
                await this.run(identity, ns, transaction, args, false, transient, options.txId)
              ).result;
            } catch (error) {
              if (!(error instanceof LedgerError && error.code === 'NOT_FOUND')) throw error;
              missing = error;
            }
          }
          throw missing;
        }
        if (route.kind === 'every-jurisdiction' && options.namespace === undefined) {
          const rows: unknown[] = [];
          for (const ns of Object.values(JURISDICTION_NAMESPACES)) {
            const json = (
              await this.run(identity, ns, transaction, args, false, transient, options.txId)
            ).result;
            const parsed: unknown = JSON.parse(json);
            if (Array.isArray(parsed)) rows.push(...parsed);
          }
          return JSON.stringify(rows);
        }
        const ns = this.routed(transaction, args, identity, options);
        return (await this.run(identity, ns, transaction, args, false, transient, options.txId))
          .result;
      },
    };
  }

  /** Where the gateway would send it: a declaration's acts to the namespace holding it. */
  private routed(
    transaction: string,
    args: string[],
    identity: TestIdentity,
    options: InvokeOptions,
  ): string {
    if (options.namespace !== undefined) return options.namespace;
    const route = routeOf(transaction, args, identity.mspId);
    if (route.kind === 'namespace') return route.namespace;
    if (route.kind === 'first-found') return route.namespaces[0] ?? JURISDICTION_NAMESPACES.GD;
    const key = compositeKey(RECORD_KEYS.declaration, [
      route.kind === 'declaration' ? route.id : '',
    ]);
    const holder = Object.values(JURISDICTION_NAMESPACES).find((ns) => this.holds(ns, key));
    // Nowhere: GD's namespace answers NOT_FOUND.
    return holder ?? JURISDICTION_NAMESPACES.GD;
  }

  private async run(
    identity: TestIdentity,
    namespace: string,
    transaction: string,
    args: string[],
    commit: boolean,
    transient: Record<string, string>,
    givenTxId?: string,
  ): Promise<SubmitResult> {
    if (!isNamespace(namespace))
      throw new LedgerError('INVALID_ARGUMENT', `no chaincode ${namespace} on the channel`);
    const tx: TxContext = {
      txId: givenTxId ?? `tx${String(++this.txCounter).padStart(6, '0')}`,
      millis: this.clockMillis,
      proposed: namespace,
      identity,
      transient,
      writes: new Map(),
      privateWrites: new Map(),
      parameterWrites: new Map(),
      keysRead: 0,
    };
    let result: string;
    try {
      result = await this.execute(namespace, transaction, args, tx, true);
    } finally {
      this.lastKeysRead = tx.keysRead;
    }
    if (commit) {
      for (const [ns, writes] of tx.writes) {
        const space = this.space(ns);
        for (const [key, value] of writes) {
          if (value === null) space.state.delete(key);
          else space.state.set(key, value);
          const entries = space.history.get(key) ?? [];
          entries.push({ txId: tx.txId, millis: tx.millis, value });
          space.history.set(key, entries);
        }
      }
      for (const [ns, writes] of tx.privateWrites)
        for (const [key, value] of writes) this.space(ns).privateState.set(key, value);
      for (const [ns, writes] of tx.parameterWrites)
        for (const [key, value] of writes) this.space(ns).validationParameters.set(key, value);
      if (tx.event) this.events.push(tx.event);
    }
    return { result, txId: tx.txId, ...(commit && tx.event ? { event: tx.event } : {}) };
  }

  /** Runs one transaction function in `namespace`, its effects into `tx`. */
  private async execute(
    namespace: Namespace,
    transaction: string,
    args: string[],
    tx: TxContext,
    outermost: boolean,
  ): Promise<string> {
    const [contractName, method] = transaction.split(':');
    const contract = this.contracts.find((c) => c.getName() === contractName);
    const fn =
      contract && method ? (contract as unknown as Record<string, unknown>)[method] : undefined;
    if (!contract || typeof fn !== 'function') {
      throw new LedgerError('INVALID_ARGUMENT', `no transaction ${transaction}`);
    }
    const space = this.space(namespace);
    const { txId, millis } = tx;
    const writes = bucket(tx.writes, namespace);
    const privateWrites = bucket(tx.privateWrites, namespace);
    const parameterWrites = bucket(tx.parameterWrites, namespace);
    const stub = {
      getTxID: () => txId,
      getTxTimestamp: () => ({
        seconds: Math.floor(millis / 1000),
        nanos: (millis % 1000) * 1_000_000,
      }),
      getSignedProposal: () => signedProposalOf(tx.proposed),
      getFunctionAndParameters: () => ({ fcn: transaction, params: args }),
      getState: async (key: string) => {
        tx.keysRead++;
        return space.state.get(key) ?? new Uint8Array();
      },
      putState: async (key: string, value: Uint8Array) => {
        writes.set(key, Uint8Array.from(value));
      },
      deleteState: async (key: string) => {
        writes.set(key, null);
      },
      createCompositeKey: compositeKey,
      splitCompositeKey: (key: string) => {
        const parts = key.split(SEP).slice(1, -1);
        return { objectType: parts[0], attributes: parts.slice(1) };
      },
      getStateByPartialCompositeKey: (type: string, attrs: string[]) => {
        const prefix = compositeKey(type, attrs);
        const rows = [...space.state]
          .filter(([k]) => k.startsWith(prefix))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, value]) => ({ key, value }));
        tx.keysRead += rows.length;
        return iterable(rows);
      },
      getHistoryForKey: (key: string) =>
        iterable(
          (space.history.get(key) ?? []).map((h) => ({
            txId: h.txId,
            isDelete: h.value === null,
            value: h.value ?? new Uint8Array(),
            timestamp: {
              seconds: Math.floor(h.millis / 1000),
              nanos: (h.millis % 1000) * 1_000_000,
            },
          })),
        ),
      getTransient: () =>
        new Map(Object.entries(tx.transient).map(([k, v]) => [k, Buffer.from(v)])),
      getPrivateData: async (collection: string, key: string) =>
        space.privateState.get(`${collection}/${key}`) ?? new Uint8Array(),
      putPrivateData: async (collection: string, key: string, value: Uint8Array) => {
        privateWrites.set(`${collection}/${key}`, Uint8Array.from(value));
      },
      setStateValidationParameter: async (key: string, policy: Uint8Array) => {
        parameterWrites.set(key, Uint8Array.from(policy));
      },
      getStateValidationParameter: async (key: string) =>
        space.validationParameters.get(key) ?? new Uint8Array(),
      // Fabric keeps the event of the outermost chaincode only.
      setEvent: (name: string, payload: Uint8Array) => {
        if (outermost) tx.event = { txId, name, payload: Buffer.from(payload).toString() };
      },
      invokeChaincode: async (name: string, callArgs: string[]) => {
        if (!isNamespace(name))
          return { status: 500, message: `chaincode ${name} not found`, payload: new Uint8Array() };
        const [called, ...rest] = callArgs;
        try {
          const result = await this.execute(name, called ?? '', rest, tx, false);
          return { status: 200, message: '', payload: Buffer.from(result) };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return { status: 500, message, payload: new Uint8Array() };
        }
      },
    };
    const identity = tx.identity;
    const clientIdentity = {
      getMSPID: () => identity.mspId,
      getID: () => identity.id,
      getAttributeValue: (name: string) => identity.attributes?.[name] ?? null,
    };
    const ctx = { stub, clientIdentity } as unknown as Context;
    // fabric-contract-api runs a contract's beforeTransaction hook first.
    await contract.beforeTransaction(ctx);
    return String(await (fn as (...a: unknown[]) => Promise<unknown>).call(contract, ctx, ...args));
  }
}

function compositeKey(type: string, attrs: readonly string[]): string {
  return `${SEP}${type}${SEP}${attrs.map((a) => `${a}${SEP}`).join('')}`;
}
