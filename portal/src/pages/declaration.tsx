/**
 * One declaration as the ledger has it: what was declared, the timeline (who did what,
 * when, in which transaction), the signature evidence, the seal's track, when the
 * consignment crossed (each boundary decision over its seals), and for officers the acts
 * they may take now.
 */
import { ALLOWED_FROM, holdCausesOf } from '@clearance/domain';
import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { call } from '../api/client';
import { fetchCrossings } from '../api/crossings';
import { DeclarationRecord, HistoryEntry, SealPage, type CrossingSummary } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { StateBadge, actionLabel } from '../ui/badges';
import { actorName, commonName, shortTx } from '../ui/format';
import { href } from '../ui/router';
import { useGuardedFetch } from '../ui/fetch';
import { useAnnounce, useLiveEvents, useSession } from '../ui/session';
import { EvidenceShare } from '../evidence/share';
import { declarationChange } from './declaration-live';
import { OfficerActs } from './officer-acts';
import { SealTrack } from './seals';

const Authorities = z.object({
  items: z.array(z.looseObject({ authorityId: z.string(), name: z.string() })),
});

export function DeclarationPage({ id }: { id: string }) {
  const { t, text, date, number, error: errorText } = useI18n();
  const session = useSession();
  const announce = useAnnounce();
  const [record, setRecord] = useState<DeclarationRecord | null>(null);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [authority, setAuthority] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const path = `/v1/declarations/${encodeURIComponent(id)}`;

  useGuardedFetch(
    () =>
      Promise.all([
        call(DeclarationRecord, 'GET', path),
        call(z.array(HistoryEntry), 'GET', `${path}/history`),
      ]),
    ([r, h]) => {
      setRecord(r);
      setHistory(h);
      setFailure(null);
    },
    setFailure,
    [id, tick],
  );

  useEffect(() => {
    if (!record) return;
    call(Authorities, 'GET', '/v1/trust-list').then(
      (list) =>
        setAuthority(
          list.items.find((a) => a.authorityId === record.signature.authorityId)?.name ?? null,
        ),
      () => setAuthority(null),
    );
  }, [record?.signature.authorityId]);

  useLiveEvents((name, event) => {
    const change = declarationChange(id, name, event);
    if (!change.reload) return;
    if (change.say)
      announce(
        t(change.say.key, {
          id,
          kind: event.kind ?? '',
          state: event.state ? text(`state.${event.state}`) : '',
        }),
        change.say.urgency,
      );
    setTick((n) => n + 1);
  });

  if (failure)
    return (
      <section>
        <h1>{id}</h1>
        <p class="error" role="alert" data-code={failure}>
          {errorText(failure)}
        </p>
      </section>
    );
  if (!record) return <p aria-busy="true">{t('app.loading')}</p>;

  const d = record.declaration;
  const s = record.signature;
  const canAmend =
    session.principal.kind === 'trader' &&
    ALLOWED_FROM.AMEND.includes(record.state) &&
    record.hold === null;
  return (
    <section class="declaration">
      <h1>
        {t('decl.title', { id })} <StateBadge state={record.state} onHold={record.hold !== null} />
      </h1>
      <p
        data-testid="declaration-state"
        data-state={record.state}
        data-hold={String(record.hold !== null)}
        class="sr-only"
      >
        {t(`state.${record.state}`)}
      </p>
      {/* Every act that holds it: all must be lifted (or cleared) before it goes on. */}
      {holdCausesOf(record).map((cause) => (
        <p class="hold-note" role="note" key={cause.txId} data-testid="hold-cause">
          {t('decl.heldBecause', { reason: cause.reason || '—', who: cause.actor.mspId })}
        </p>
      ))}
      <dl class="facts">
        <dt>{t('decl.version')}</dt>
        <dd>{record.version}</dd>
        <dt>{t('list.jurisdiction')}</dt>
        <dd>{t(record.jurisdiction === 'HK' ? 'jurisdiction.HK' : 'jurisdiction.GD')}</dd>
        <dt>{t('list.consignment')}</dt>
        <dd>{record.consignmentRef}</dd>
        <dt>{t('f.direction')}</dt>
        <dd>{d.direction}</dd>
        {record.risk && (
          <>
            <dt>{t('decl.risk')}</dt>
            <dd>
              {t(`risk.${record.risk.level}`)} ({record.risk.score})
            </dd>
          </>
        )}
      </dl>
      {record.pair && (
        <p>
          <a href={href.pair(record.pair.submissionId)}>{t('pair.link')}</a>
        </p>
      )}
      {canAmend && (
        <p>
          <a class="button" href={href.amend(id)}>
            {t('decl.amend')}
          </a>
        </p>
      )}
      <EvidenceShare record={record} />
      {session.principal.kind === 'officer' && (
        <OfficerActs
          record={record}
          officer={session.principal}
          onDone={() => setTick((n) => n + 1)}
        />
      )}

      <div class="columns">
        <section aria-labelledby="timeline-h">
          <h2 id="timeline-h">{t('decl.timeline')}</h2>
          <ol class="timeline" data-testid="timeline">
            {history.map((h) => (
              <li key={h.txId + h.action} data-action={h.action}>
                <p>
                  <strong>{actionLabel(text, h.action)}</strong> →{' '}
                  <StateBadge state={h.state} onHold={h.onHold} />
                </p>
                <p>
                  {actorName(h.actor.id)} · {h.actor.mspId}
                  {h.actor.role ? ` · ${h.actor.role}` : ''}
                </p>
                {h.reason && <p class="reason">“{h.reason}”</p>}
                <p class="meta">
                  <time dateTime={h.at}>{date(h.at)}</time> · {t('decl.transaction')}{' '}
                  <code title={h.txId}>{shortTx(h.txId)}</code> · v{h.version}
                </p>
              </li>
            ))}
          </ol>
        </section>
        <section aria-labelledby="evidence-h">
          <h2 id="evidence-h">{t('decl.signature')}</h2>
          <dl class="facts" data-testid="signature">
            <dt>{t('decl.signer')}</dt>
            <dd>{commonName(s.signerSubject)}</dd>
            <dt>{t('decl.subject')}</dt>
            <dd class="wrap">{s.signerSubject}</dd>
            <dt>{t('decl.issuer')}</dt>
            <dd class="wrap">{s.issuer}</dd>
            <dt>{t('decl.authority')}</dt>
            <dd>
              {authority ?? s.authorityId} (
              {t(s.jurisdiction === 'HK' ? 'jurisdiction.HK' : 'jurisdiction.GD')})
            </dd>
            <dt>{t('decl.policy')}</dt>
            <dd>
              <code>{s.policyOid}</code>
            </dd>
            {s.signatureAlgorithm && (
              <>
                <dt>{t('decl.algorithm')}</dt>
                <dd data-testid="signature-algorithm">{s.signatureAlgorithm}</dd>
              </>
            )}
            {s.certificationPath && (
              <>
                <dt>{t('decl.path')}</dt>
                <dd>
                  <ol class="cert-path" data-testid="certification-path">
                    {s.certificationPath.map((subject) => (
                      <li key={subject} title={subject}>
                        {commonName(subject)}
                      </li>
                    ))}
                  </ol>
                </dd>
              </>
            )}
            {s.signingTime && (
              <>
                <dt>{t('decl.signedAt')}</dt>
                <dd>{date(s.signingTime)}</dd>
              </>
            )}
            <dt>{t('decl.certificateHash')}</dt>
            <dd class="wrap">
              <code>{s.certificateSha256}</code>
            </dd>
          </dl>
        </section>
      </div>

      <section aria-labelledby="goods-h">
        <h2 id="goods-h">{t('decl.goods')}</h2>
        <dl class="facts">
          <dt>{t('party.declarant')}</dt>
          <dd>{d.declarant.name}</dd>
          <dt>{t('party.consignor')}</dt>
          <dd>{d.consignor.name}</dd>
          <dt>{t('party.consignee')}</dt>
          <dd>{d.consignee.name}</dd>
          <dt>{t('form.transport')}</dt>
          <dd>
            {d.transport.mode} · {d.transport.conveyance} · {d.portOfLoading} → {d.portOfDischarge}
          </dd>
        </dl>
        <div class="table-wrap">
          <table>
            <caption class="sr-only">{t('form.items')}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('f.hsCode')}</th>
                <th scope="col">{t('f.description')}</th>
                <th scope="col">{t('f.quantity')}</th>
                <th scope="col">{t('f.origin')}</th>
              </tr>
            </thead>
            <tbody>
              {d.items.map((item) => (
                <tr key={item.lineNo}>
                  <td>{item.lineNo}</td>
                  <td>{item.hsCode}</td>
                  <td>{item.description}</td>
                  <td>
                    {number(item.quantity)} {item.unit}
                  </td>
                  <td>{item.origin}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {d.containers.length > 0 && (
          <p>
            {t('form.containers')}:{' '}
            {d.containers.map((c) => `${c.number} (${c.sealNumbers.join(', ') || '—'})`).join('; ')}
          </p>
        )}
      </section>
      <DeclarationCrossings declarationId={id} tick={tick} />
      <DeclarationSeals declarationId={id} tick={tick} />
    </section>
  );
}

/** When the consignment crossed: each decision at a control point over this declaration's seals. */
export function DeclarationCrossings({
  declarationId,
  tick,
}: {
  declarationId: string;
  tick: number;
}) {
  const { t, text, date } = useI18n();
  const [crossings, setCrossings] = useState<CrossingSummary[]>([]);
  useEffect(() => {
    fetchCrossings({ declarationId }).then(setCrossings, () => setCrossings([]));
  }, [declarationId, tick]);
  if (crossings.length === 0) return null;
  const pointName = (code: string) => {
    const key = `point.${code}`;
    const name = text(key);
    return name === key ? code : `${name} (${code})`;
  };
  const outcome = (c: CrossingSummary) =>
    c.inspection === null
      ? t('crossing.outcome.none')
      : t(`crossing.outcome.${c.inspection}`, { reason: c.outcomeReason ?? '' });
  return (
    <section aria-labelledby="crossings-h">
      <h2 id="crossings-h">{t('crossing.title')}</h2>
      <div class="table-wrap">
        <table data-testid="crossings">
          <thead>
            <tr>
              <th scope="col">{t('crossing.controlPoint')}</th>
              <th scope="col">{t('crossing.at')}</th>
              <th scope="col">{t('crossing.decision')}</th>
              <th scope="col">{t('crossing.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {crossings.map((c) => (
              <tr
                key={c.crossingId}
                data-crossing={c.crossingId}
                data-decision={c.decision}
                data-inspection={c.inspection ?? ''}
              >
                <td>
                  {pointName(c.controlPoint)} · {t(`direction.${c.direction}`)}
                </td>
                <td>
                  <time dateTime={c.at}>{date(c.at)}</time>
                </td>
                <td>
                  <strong>{t(c.decision === 'GO' ? 'lane.go' : 'lane.inspect')}</strong>
                  {c.reasons.length > 0 &&
                    ` (${c.reasons.map((r) => text(`reason.${r}`)).join('; ')})`}
                </td>
                <td>{outcome(c)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The seals covering this declaration, each with its track on the route map. */
export function DeclarationSeals({ declarationId, tick }: { declarationId: string; tick: number }) {
  const { t } = useI18n();
  const [sealIds, setSealIds] = useState<string[]>([]);
  useEffect(() => {
    call(SealPage, 'GET', '/v1/seals').then(
      (page) =>
        setSealIds(
          page.items.filter((s) => s.declarationIds.includes(declarationId)).map((s) => s.sealId),
        ),
      () => setSealIds([]), // not every signed-in user may list seals
    );
  }, [declarationId, tick]);
  if (sealIds.length === 0) return null;
  return (
    <section aria-labelledby="seals-h">
      <h2 id="seals-h">{t('seals.ofDeclaration')}</h2>
      {sealIds.map((sealId) => (
        <SealTrack key={sealId} sealId={sealId} tick={tick} />
      ))}
    </section>
  );
}
