/**
 * An in-memory twin of the parts of a Fabric peer the contracts use, for unit tests only.
 * It keeps Fabric's transaction semantics that matter to contract logic: reads see only
 * committed state (not the transaction's own writes), a failed transaction writes nothing,
 * and only the last event a transaction sets is emitted.
 */
import type { Context, Contract } from 'fabric-contract-api';
import { LedgerError } from '@clearance/domain';

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

export class MemoryLedger {
  private readonly state = new Map<string, Uint8Array>();
  private readonly privateState = new Map<string, Uint8Array>();
  private readonly history = new Map<string, HistoryEntry[]>();
  /** Key-level endorsement policies set by the contracts (serialized SignaturePolicyEnvelope). */
  readonly validationParameters = new Map<string, Uint8Array>();
  readonly events: EmittedEvent[] = [];
  private txCounter = 0;
  private clockMillis = Date.now();

  constructor(private readonly contracts: Contract[]) {}

  /** Advances the ledger clock (transaction timestamps) by `ms`. */
  advanceClock(ms: number): void {
    this.clockMillis += ms;
  }

  get size(): number {
    return this.state.size;
  }

  snapshot(): Map<string, string> {
    return new Map([...this.state].map(([k, v]) => [k, Buffer.from(v).toString()]));
  }

  invokerFor(identity: TestIdentity): ContractInvoker {
    return {
      submit: (transaction, args, transient = {}, options = {}) =>
        this.run(identity, transaction, args, true, transient, options.txId),
      evaluate: async (transaction, args, transient = {}, options = {}) =>
        (await this.run(identity, transaction, args, false, transient, options.txId)).result,
    };
  }

  private async run(
    identity: TestIdentity,
    transaction: string,
    args: string[],
    commit: boolean,
    transient: Record<string, string>,
    givenTxId?: string,
  ): Promise<SubmitResult> {
    const [namespace, method] = transaction.split(':');
    const contract = this.contracts.find((c) => c.getName() === namespace);
    const fn =
      contract && method ? (contract as unknown as Record<string, unknown>)[method] : undefined;
    if (!contract || typeof fn !== 'function') {
      throw new LedgerError('INVALID_ARGUMENT', `no transaction ${transaction}`);
    }
    const txId = givenTxId ?? `tx${String(++this.txCounter).padStart(6, '0')}`;
    const writes = new Map<string, Uint8Array | null>();
    const privateWrites = new Map<string, Uint8Array>();
    const parameterWrites = new Map<string, Uint8Array>();
    let event: EmittedEvent | undefined;
    const millis = this.clockMillis;
    const stub = {
      getTxID: () => txId,
      getTxTimestamp: () => ({
        seconds: Math.floor(millis / 1000),
        nanos: (millis % 1000) * 1_000_000,
      }),
      getState: async (key: string) => this.state.get(key) ?? new Uint8Array(),
      putState: async (key: string, value: Uint8Array) => {
        writes.set(key, Uint8Array.from(value));
      },
      deleteState: async (key: string) => {
        writes.set(key, null);
      },
      createCompositeKey: (type: string, attrs: string[]) =>
        `${SEP}${type}${SEP}${attrs.map((a) => `${a}${SEP}`).join('')}`,
      splitCompositeKey: (key: string) => {
        const parts = key.split(SEP).slice(1, -1);
        return { objectType: parts[0], attributes: parts.slice(1) };
      },
      getStateByPartialCompositeKey: (type: string, attrs: string[]) => {
        const prefix = `${SEP}${type}${SEP}${attrs.map((a) => `${a}${SEP}`).join('')}`;
        const rows = [...this.state]
          .filter(([k]) => k.startsWith(prefix))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, value]) => ({ key, value }));
        return iterable(rows);
      },
      getHistoryForKey: (key: string) =>
        iterable(
          (this.history.get(key) ?? []).map((h) => ({
            txId: h.txId,
            isDelete: h.value === null,
            value: h.value ?? new Uint8Array(),
            timestamp: {
              seconds: Math.floor(h.millis / 1000),
              nanos: (h.millis % 1000) * 1_000_000,
            },
          })),
        ),
      getTransient: () => new Map(Object.entries(transient).map(([k, v]) => [k, Buffer.from(v)])),
      getPrivateData: async (collection: string, key: string) =>
        this.privateState.get(`${collection}/${key}`) ?? new Uint8Array(),
      putPrivateData: async (collection: string, key: string, value: Uint8Array) => {
        privateWrites.set(`${collection}/${key}`, Uint8Array.from(value));
      },
      setStateValidationParameter: async (key: string, policy: Uint8Array) => {
        parameterWrites.set(key, Uint8Array.from(policy));
      },
      getStateValidationParameter: async (key: string) =>
        this.validationParameters.get(key) ?? new Uint8Array(),
      setEvent: (name: string, payload: Uint8Array) => {
        event = { txId, name, payload: Buffer.from(payload).toString() };
      },
    };
    const clientIdentity = {
      getMSPID: () => identity.mspId,
      getID: () => identity.id,
      getAttributeValue: (name: string) => identity.attributes?.[name] ?? null,
    };
    const ctx = { stub, clientIdentity } as unknown as Context;
    const result = String(
      await (fn as (...a: unknown[]) => Promise<unknown>).call(contract, ctx, ...args),
    );
    if (commit) {
      for (const [key, value] of writes) {
        if (value === null) this.state.delete(key);
        else this.state.set(key, value);
        const entries = this.history.get(key) ?? [];
        entries.push({ txId, millis, value });
        this.history.set(key, entries);
      }
      for (const [key, value] of privateWrites) this.privateState.set(key, value);
      for (const [key, value] of parameterWrites) this.validationParameters.set(key, value);
      if (event) this.events.push(event);
    }
    return { result, txId, ...(commit && event ? { event } : {}) };
  }
}
