import type { Context } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';

/** Who is calling, as the ledger sees it: MSP, certificate subject and attributes. */
export interface Caller {
  mspId: string;
  /** x509::<subject>::<issuer>, as fabric-shim reports it. */
  id: string;
  attribute(name: string): string | undefined;
}

export function callerOf(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  return {
    mspId: identity.getMSPID(),
    id: identity.getID(),
    attribute: (name) => identity.getAttributeValue(name) ?? undefined,
  };
}

export function requireMsp(caller: Caller, allowed: readonly string[]): void {
  if (!allowed.includes(caller.mspId)) {
    throw new LedgerError(
      'FORBIDDEN',
      `${caller.mspId} may not do this (allowed: ${allowed.join(', ')})`,
    );
  }
}

export function requireAttribute(caller: Caller, name: string, allowed: readonly string[]): string {
  const value = caller.attribute(name);
  if (value === undefined || !allowed.includes(value)) {
    throw new LedgerError(
      'FORBIDDEN',
      `certificate attribute ${name}=${value ?? '(none)'} is not one of ${allowed.join(', ')}`,
    );
  }
  return value;
}

/** Transaction time as ISO-8601: the same on every endorsing peer, unlike Date.now(). */
export function txTime(ctx: Context): string {
  const ts = ctx.stub.getTxTimestamp();
  const millis = Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000);
  return new Date(millis).toISOString();
}
