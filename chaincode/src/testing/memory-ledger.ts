/**
 * An in-memory twin of the parts of a Fabric peer the contracts use, for unit tests only.
 * It keeps Fabric's transaction semantics that matter to contract logic: reads see only
 * committed state (not the transaction's own writes), a failed transaction writes nothing,
 * and only the last event a transaction sets is emitted.
 */
import type { Context, Contract } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';

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
  submit(transaction: string, args: string[]): Promise<SubmitResult>;
  evaluate(transaction: string, args: string[]): Promise<string>;
}

const SEP = '\u0000';

export class MemoryLedger {
  private readonly state = new Map<string, Uint8Array>();
  readonly events: EmittedEvent[] = [];
  private txCounter = 0;
  private clockMillis = Date.UTC(2026, 0, 1);

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
      submit: (transaction, args) => this.run(identity, transaction, args, true),
      evaluate: async (transaction, args) =>
        (await this.run(identity, transaction, args, false)).result,
    };
  }

  private async run(
    identity: TestIdentity,
    transaction: string,
    args: string[],
    commit: boolean,
  ): Promise<SubmitResult> {
    const [namespace, method] = transaction.split(':');
    const contract = this.contracts.find((c) => c.getName() === namespace);
    const fn =
      contract && method ? (contract as unknown as Record<string, unknown>)[method] : undefined;
    if (!contract || typeof fn !== 'function') {
      throw new LedgerError('INVALID_ARGUMENT', `no transaction ${transaction}`);
    }
    const txId = `tx${String(++this.txCounter).padStart(6, '0')}`;
    const writes = new Map<string, Uint8Array | null>();
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
      }
      if (event) this.events.push(event);
    }
    return { result, txId, ...(commit && event ? { event } : {}) };
  }
}
