/** Reading and writing declaration records: shared by the Declaration and Seal contracts. */
import type { Context } from 'fabric-contract-api';
import {
  RECORD_KEYS,
  LedgerError,
  DECLARATION_EVENT_OF,
  type DeclarationEvent,
  holdBy,
  type DeclarationRecord,
  type HoldCause,
  type IndirectPath,
} from '@clearance/domain';
import { boundedText, emit, readJson, writeJson } from '../stub/ledger-io';
import { DeclarationRecordSchema } from '@clearance/domain';
import { JURISDICTION_NAMESPACES, namespaceOf } from '@clearance/domain';
import { callNamespace } from '../stub/namespace';

const DECLARATION = RECORD_KEYS.declaration;

export function declarationKey(ctx: Context, id: string): string {
  return ctx.stub.createCompositeKey(DECLARATION, [boundedText(id, 'declarationId', 64)]);
}

export async function loadDeclaration(ctx: Context, id: string): Promise<DeclarationRecord> {
  const record = await readJson<DeclarationRecord>(ctx, declarationKey(ctx, id));
  if (!record) throw new LedgerError('NOT_FOUND', `declaration ${id} does not exist`);
  return record;
}

/** Writes the record; emits its event unless the transaction emits one of its own. */
export async function saveDeclaration(
  ctx: Context,
  record: DeclarationRecord,
  options: { event: boolean } = { event: true },
): Promise<string> {
  const bytes = await writeJson(ctx, declarationKey(ctx, record.declarationId), record);
  if (options.event) {
    const payload: DeclarationEvent = {
      declarationId: record.declarationId,
      version: record.version,
      state: record.state,
      onHold: record.hold !== null,
      jurisdiction: record.jurisdiction,
      consignmentRef: record.consignmentRef,
      action: record.lastAct.action,
      actor: record.lastAct.actor,
      at: record.lastAct.at,
      txId: record.lastAct.txId,
      // Whose declaration it is: the index lets traders list their own.
      signer: {
        subject: record.signature.signerSubject,
        issuer: record.signature.issuer,
        ...(record.signature.signerId ? { id: record.signature.signerId } : {}),
      },
      // A half of a dual filing: lets the other side's node notice work (gateway dual/).
      ...(record.pair
        ? {
            pair: {
              submissionId: record.pair.submissionId,
              submissionVersion: record.pair.submissionVersion,
              receivedIn: record.pair.receivedIn,
            },
          }
        : {}),
    };
    emit(ctx, DECLARATION_EVENT_OF[record.lastAct.action], payload);
  }
  return bytes.toString();
}

/**
 * From the joint namespace: the declaration `id`, read in whichever jurisdiction's
 * namespace holds it (an id names one declaration on the channel: Declaration:File
 * refuses an id the other jurisdiction uses). The read joins this transaction's read set.
 */
export async function findDeclaration(ctx: Context, id: string): Promise<DeclarationRecord> {
  for (const namespace of Object.values(JURISDICTION_NAMESPACES)) {
    try {
      const json = await callNamespace(ctx, namespace, 'Declaration:Get', [id]);
      return DeclarationRecordSchema.parse(JSON.parse(json));
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'NOT_FOUND') continue;
      throw error;
    }
  }
  throw new LedgerError('NOT_FOUND', `declaration ${id} does not exist`);
}

/** From the joint namespace: writes a declaration a joint act changed, in its own namespace. */
export async function saveFromJoint(ctx: Context, record: DeclarationRecord): Promise<void> {
  await callNamespace(ctx, namespaceOf(record.jurisdiction), 'Declaration:SaveFromJoint', [
    JSON.stringify(record),
  ]);
}

/**
 * From the joint namespace: holds each declaration of `ids` that the cause's path lets its
 * actor hold (lifecycle.ts, holdBy: held already or not, the cause is added), without
 * events of their own: the calling act's event names them. Resolves with those held.
 */
export async function holdDeclarations(
  ctx: Context,
  ids: readonly string[],
  cause: HoldCause & { path: IndirectPath },
): Promise<string[]> {
  const held: string[] = [];
  for (const id of new Set(ids)) {
    const next = holdBy(await findDeclaration(ctx, id), cause);
    if (!next) continue;
    await saveFromJoint(ctx, next);
    held.push(id);
  }
  return held;
}
