/**
 * A dual filing (一單兩報) as one page: the submission, and each side's half as that side
 * recorded it — its state, its releases, its last act — or that the side has not filed it
 * yet (its node files it from the submission; docs/dual-declaration.md); then the crossing
 * and the seal of the consignment, as the declaration page shows them.
 */
import {
  DeclarationRecordSchema,
  SubmissionRecordSchema,
  type Jurisdiction,
} from '@clearance/domain';
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { call } from '../api/client';
import type { DeclarationRecord } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { StateBadge, actionLabel } from '../ui/badges';
import { useGuardedFetch } from '../ui/fetch';
import { href } from '../ui/router';
import { useSession } from '../ui/session';
import { DeclarationCrossings, DeclarationSeals } from './declaration';

export const Pair = z.object({
  submission: SubmissionRecordSchema,
  halves: z.object({
    GD: DeclarationRecordSchema.nullable(),
    HK: DeclarationRecordSchema.nullable(),
  }),
});
type Pair = z.infer<typeof Pair>;

export function PairPage({ id }: { id: string }) {
  const { t } = useI18n();
  const session = useSession();
  const [pair, setPair] = useState<Pair | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useGuardedFetch(
    () => call(Pair, 'GET', `/v1/dual-declarations/${encodeURIComponent(id)}`),
    (p) => {
      setPair(p);
      setFailure(null);
    },
    setFailure,
    [id],
  );
  if (failure) return <p role="alert">{failure}</p>;
  if (!pair) return <p>{t('app.loading')}</p>;
  const { submission } = pair;
  const sides = submission.submission.sides;
  const exportId = (sides.HK.direction === 'EXPORT' ? sides.HK : sides.GD).declarationId;
  return (
    <section aria-labelledby="pair-title">
      <h1 id="pair-title">{t('pair.title', { id })}</h1>
      <dl class="facts">
        <dt>{t('pair.consignment')}</dt>
        <dd>{submission.submission.shared.consignmentRef}</dd>
        <dt>{t('pair.receivedIn')}</dt>
        <dd>{t(`jurisdiction.${submission.receivedIn}`)}</dd>
        <dt>{t('decl.version')}</dt>
        <dd>{submission.version}</dd>
      </dl>
      {session.principal.kind === 'trader' && (
        <p>
          <a class="button secondary" href={href.amendPair(id)}>
            {t('pair.amend')}
          </a>
        </p>
      )}
      <div class="pair">
        {(['HK', 'GD'] as const).map((side) => (
          <Half
            key={side}
            side={side}
            record={pair.halves[side]}
            id={submission.submission.sides[side].declarationId}
            version={submission.version}
          />
        ))}
      </div>
      {/* One seal covers both halves (the e-lock from departure to destination); its
          crossing is decided over both: shown once, through the exporting side's half. */}
      <DeclarationCrossings declarationId={exportId} tick={0} />
      <DeclarationSeals declarationId={exportId} tick={0} />
    </section>
  );
}

function Half({
  side,
  record,
  id,
  version,
}: {
  side: Jurisdiction;
  record: DeclarationRecord | null;
  id: string;
  version: number;
}) {
  const { t, text } = useI18n();
  const behind = record && (record.pair?.submissionVersion ?? 0) < version;
  return (
    <article class="half" data-side={side} aria-label={t(`jurisdiction.${side}`)}>
      <h2>
        {t(`jurisdiction.${side}`)}: <a href={href.declaration(id)}>{id}</a>
      </h2>
      {record ? (
        <>
          <StateBadge state={record.state} onHold={record.hold !== null} />
          <p>
            {t('pair.lastAct')}: {actionLabel(text, record.lastAct.action)} (
            {record.lastAct.actor.mspId})
          </p>
          <p>
            {t('pair.releases')}:{' '}
            {Object.keys(record.releases).length > 0
              ? Object.keys(record.releases).sort().join(', ')
              : t('pair.none')}
          </p>
          {behind && <p data-pending="amendment">{t('pair.amendmentPending')}</p>}
        </>
      ) : (
        <p data-pending="half">{t('pair.halfPending')}</p>
      )}
    </article>
  );
}
