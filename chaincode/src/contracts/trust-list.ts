import { TRUST_LIST_CONTRACT } from '../domain/contract-names';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import {
  AuthorityInputSchema,
  TRUST_LIST_ENDORSERS,
  checkAuthorityCertificate,
  checkCaCertificates,
  checkRevocationList,
  withRevocationList,
  requireTrustAdmin,
  type AuthorityRecord,
} from '../domain/trust-list';
import { actorOf, requirePeersOf, txTime } from '../stub/identity';
import { boundedText, emit, parseJsonArgument, readJson, writeJson } from '../stub/ledger-io';
import { EVENTS } from '../domain/events';

export { TRUST_LIST_CONTRACT };
const AUTHORITY = 'authority';
const META = 'trustlist';

export async function listAuthorities(ctx: Context): Promise<AuthorityRecord[]> {
  const out: AuthorityRecord[] = [];
  for await (const row of ctx.stub.getStateByPartialCompositeKey(AUTHORITY, [])) {
    out.push(JSON.parse(Buffer.from(row.value).toString()) as AuthorityRecord);
  }
  return out;
}

/**
 * The Guangdong–Hong Kong mutual-recognition trust list. Every change also bumps one
 * meta key whose key-level policy needs peers of both GDCustomsMSP and HKCustomsMSP, so
 * no change validates without both customs services endorsing it.
 */
@Info({ title: 'TrustList', description: 'Recognised e-signature certificate authorities' })
export class TrustListContract extends Contract {
  constructor() {
    super(TRUST_LIST_CONTRACT);
  }

  private async change(ctx: Context, record: AuthorityRecord, change: string): Promise<string> {
    const metaKey = ctx.stub.createCompositeKey(META, ['meta']);
    const meta = (await readJson<{ version: number }>(ctx, metaKey)) ?? { version: 0 };
    await writeJson(ctx, metaKey, { version: meta.version + 1 });
    if (meta.version === 0) await requirePeersOf(ctx, metaKey, TRUST_LIST_ENDORSERS);
    const bytes = await writeJson(
      ctx,
      ctx.stub.createCompositeKey(AUTHORITY, [record.authorityId]),
      record,
    );
    emit(ctx, EVENTS.TrustListChanged, {
      authorityId: record.authorityId,
      change,
      status: record.status,
      version: meta.version + 1,
      txId: ctx.stub.getTxID(),
    });
    return bytes.toString();
  }

  private async existing(ctx: Context, authorityId: string): Promise<AuthorityRecord> {
    const id = boundedText(authorityId, 'authorityId', 64);
    const record = await readJson<AuthorityRecord>(
      ctx,
      ctx.stub.createCompositeKey(AUTHORITY, [id]),
    );
    if (!record) throw new LedgerError('NOT_FOUND', `authority ${id} is not on the trust list`);
    return record;
  }

  private who(ctx: Context, reason: string): AuthorityRecord['updatedBy'] {
    const actor = actorOf(ctx);
    requireTrustAdmin(actor);
    return {
      ...actor,
      at: txTime(ctx),
      txId: ctx.stub.getTxID(),
      reason: boundedText(reason, 'reason', 512),
    };
  }

  @Transaction()
  @Returns('string')
  async AddAuthority(ctx: Context, authorityJson: string): Promise<string> {
    const updatedBy = this.who(ctx, 'added');
    const parsed = AuthorityInputSchema.safeParse(parseJsonArgument(authorityJson, 'authority'));
    if (!parsed.success) {
      throw new LedgerError(
        'INVALID_ARGUMENT',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    const input = parsed.data;
    const key = ctx.stub.createCompositeKey(AUTHORITY, [input.authorityId]);
    if (await readJson(ctx, key))
      throw new LedgerError('ALREADY_EXISTS', `authority ${input.authorityId} is already listed`);
    const cert = checkAuthorityCertificate(input.caCertPem, new Date(updatedBy.at));
    const crl = input.crlPem ? await checkRevocationList(input.crlPem, cert, null) : null;
    const caCertificates = input.caCertificatesPem?.length
      ? await checkCaCertificates(input.caCertificatesPem, cert, new Date(updatedBy.at))
      : undefined;
    return this.change(
      ctx,
      {
        authorityId: input.authorityId,
        name: input.name,
        jurisdiction: input.jurisdiction,
        status: 'ACTIVE',
        caCertPem: input.caCertPem,
        subject: cert.subject,
        notAfter: cert.notAfter.toISOString(),
        acceptedPolicies: input.acceptedPolicies,
        crl,
        ...(caCertificates ? { caCertificates } : {}),
        updatedBy,
      },
      'ADDED',
    );
  }

  @Transaction()
  @Returns('string')
  async UpdateRevocationList(ctx: Context, authorityId: string, crlPem: string): Promise<string> {
    const updatedBy = this.who(ctx, 'revocation list updated');
    const record = await this.existing(ctx, authorityId);
    const updated = await withRevocationList(
      record,
      boundedText(crlPem, 'crlPem', 1_048_576),
      new Date(updatedBy.at),
    );
    return this.change(ctx, { ...updated, updatedBy }, 'CRL_UPDATED');
  }

  @Transaction()
  @Returns('string')
  async WithdrawAuthority(ctx: Context, authorityId: string, reason: string): Promise<string> {
    const updatedBy = this.who(ctx, reason);
    const record = await this.existing(ctx, authorityId);
    if (record.status === 'WITHDRAWN')
      throw new LedgerError('INVALID_STATE', `authority ${authorityId} is already withdrawn`);
    return this.change(ctx, { ...record, status: 'WITHDRAWN', updatedBy }, 'WITHDRAWN');
  }

  @Transaction(false)
  @Returns('string')
  async GetAuthority(ctx: Context, authorityId: string): Promise<string> {
    return JSON.stringify(await this.existing(ctx, authorityId));
  }

  @Transaction(false)
  @Returns('string')
  async ListAuthorities(ctx: Context): Promise<string> {
    return JSON.stringify(await listAuthorities(ctx));
  }
}
