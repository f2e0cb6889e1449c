/**
 * The namespace a transaction was proposed to, and calls into the other namespaces of the
 * channel (domain/namespaces.ts). The namespace comes from the signed proposal (the chaincode
 * id in its channel header's extension), never from an argument: the client signed it and
 * the peer dispatched the proposal by it. In a chaincode-to-chaincode call the proposal
 * stays the caller's, so the callee sees the namespace the transaction was proposed to.
 */
import type { Context } from 'fabric-contract-api';
import { peer } from '@hyperledger/fabric-protos';
import { LedgerError, parseLedgerError } from '../domain/errors';
import type { Jurisdiction } from '../domain/lifecycle';
import { guardNamespace, type Namespace } from '../domain/namespaces';

/** The chaincode id the client's signed proposal names. */
export function proposedNamespace(ctx: Context): string {
  const channelHeader: unknown = ctx.stub.getSignedProposal()?.proposal.header.channelHeader;
  const extension = headerExtension(channelHeader);
  if (!extension) throw new LedgerError('INVALID_ARGUMENT', 'no signed proposal');
  return (
    peer.ChaincodeHeaderExtension.deserializeBinary(extension).getChaincodeId()?.getName() ?? ''
  );
}

/**
 * The channel header's extension bytes. fabric-shim hands over the decoded protobuf message
 * (getExtension_asU8), whatever its typings say (a plain `extension` field).
 */
function headerExtension(header: unknown): Uint8Array | undefined {
  if (typeof header !== 'object' || header === null) return undefined;
  if ('getExtension_asU8' in header && typeof header.getExtension_asU8 === 'function') {
    const bytes: unknown = header.getExtension_asU8();
    return bytes instanceof Uint8Array ? bytes : undefined;
  }
  return 'extension' in header && header.extension instanceof Uint8Array
    ? header.extension
    : undefined;
}

/** The transaction being run (`Contract:Method`), as the peer passed it. */
export function transactionOf(ctx: Context): string {
  return ctx.stub.getFunctionAndParameters().fcn;
}

/** Refuses the running transaction unless it was proposed to its home (guardNamespace). */
export function requireHome(ctx: Context, jurisdiction?: Jurisdiction): void {
  guardNamespace(transactionOf(ctx), proposedNamespace(ctx), jurisdiction);
}

/**
 * Runs `transaction` of another namespace on this channel inside this transaction: its
 * reads join the read set (checked at validation like our own), its writes the write set
 * (and then that namespace's policy must be met too). A coded refusal comes back as itself.
 */
export async function callNamespace(
  ctx: Context,
  namespace: Namespace,
  transaction: string,
  args: readonly string[],
): Promise<string> {
  const response = await ctx.stub.invokeChaincode(namespace, [transaction, ...args], '');
  if (response.status >= 400) {
    const message = response.message ?? '';
    const coded = parseLedgerError(message);
    if (coded) throw new LedgerError(coded.code, coded.message, coded.reason);
    throw new Error(`${namespace} ${transaction}: ${message}`);
  }
  return Buffer.from(response.payload ?? new Uint8Array()).toString();
}
