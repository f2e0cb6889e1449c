import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { LedgerError, type Actor } from '@clearance/domain';

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

/** The caller as an actor of the life cycle: MSP, id and certificate role. */
export function actorOf(ctx: Context): Actor {
  const caller = callerOf(ctx);
  const role = caller.attribute('role');
  return { mspId: caller.mspId, id: caller.id, ...(role ? { role } : {}) };
}

/** Key-level endorsement: later writes of `key` need a peer of every MSP listed. */
export async function requirePeersOf(
  ctx: Context,
  key: string,
  mspIds: readonly string[],
): Promise<void> {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', ...mspIds);
  await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
}
