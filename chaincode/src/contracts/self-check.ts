import {
  SELF_CHECK_CONTRACT,
  LedgerError,
  isStorableText,
  UNSTORABLE_TEXT_MESSAGE,
  type Actor,
  EVENTS,
} from '@clearance/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '@clearance/core';
import { actorOf, txTime } from '../stub/identity';

export { SELF_CHECK_CONTRACT };
const KEY_TYPE = 'selfcheck';
const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_NOTE_LENGTH = 256;

export interface SelfCheckRecord {
  checkId: string;
  note: string;
  /** The client identity that asked: MSP, id and certificate role. */
  recordedBy: Actor;
  recordedAt: string;
  txId: string;
}

function validate(checkId: unknown, note: unknown): { checkId: string; note: string } {
  if (typeof checkId !== 'string' || !ID_PATTERN.test(checkId)) {
    throw new LedgerError(
      'INVALID_ARGUMENT',
      'checkId must be 1-64 characters of A-Z a-z 0-9 . _ -',
    );
  }
  if (typeof note !== 'string' || note.length > MAX_NOTE_LENGTH || !isStorableText(note)) {
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `note must be a string of at most ${MAX_NOTE_LENGTH} characters that ${UNSTORABLE_TEXT_MESSAGE}`,
    );
  }
  return { checkId, note };
}

/**
 * A network self-check: proves that a transaction is endorsed, ordered, committed and that
 * its event reaches clients. It writes a real record, so the ledger shows every check.
 */
@Info({ title: 'SelfCheck', description: 'Network self-check records' })
export class SelfCheckContract extends Contract {
  constructor() {
    super(SELF_CHECK_CONTRACT);
  }

  @Transaction()
  @Returns('string')
  async Record(ctx: Context, checkId: string, note: string): Promise<string> {
    const input = validate(checkId, note);
    const key = ctx.stub.createCompositeKey(KEY_TYPE, [input.checkId]);
    const existing = await ctx.stub.getState(key);
    if (existing.length > 0) {
      throw new LedgerError('ALREADY_EXISTS', `self-check ${input.checkId} is already recorded`);
    }
    const record: SelfCheckRecord = {
      ...input,
      recordedBy: actorOf(ctx),
      recordedAt: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
    const bytes = Buffer.from(canonicalJson(record));
    await ctx.stub.putState(key, bytes);
    ctx.stub.setEvent(EVENTS.SelfCheckRecorded, bytes);
    return bytes.toString();
  }

  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, checkId: string): Promise<string> {
    const { checkId: id } = validate(checkId, '');
    const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey(KEY_TYPE, [id]));
    if (bytes.length === 0) throw new LedgerError('NOT_FOUND', `self-check ${id} does not exist`);
    return Buffer.from(bytes).toString();
  }
}
