/**
 * The lane view for officers at a control point: the latest decision in large type (GO or
 * INSPECT) with its reasons in the chosen language, arrivals as they are decided (live,
 * from CrossingDecided events), and one click to the seal's track and each declaration.
 */
import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { ApiFailure } from '../api/client';
import { fetchCrossings } from '../api/crossings';
import { CrossingSummary } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { href } from '../ui/router';
import { useAnnounce, useLiveEvents } from '../ui/session';

/**
 * A decision as the index lists it (the domain's CrossingSummary) or as CrossingDecided
 * arrives live: the fields of the summary the event carries too.
 */
const Crossing = CrossingSummary.pick({
  crossingId: true,
  sealId: true,
  controlPoint: true,
  decision: true,
  reasons: true,
  declarationIds: true,
  at: true,
}).extend({ conveyance: CrossingSummary.shape.conveyance.optional() });
type Crossing = z.infer<typeof Crossing>;

/** Decisions of the last 12 hours when the page opens. */
const WINDOW_MS = 12 * 3600_000;

export function LanePage({ controlPoint }: { controlPoint: string }) {
  const { t, text, error: errorText } = useI18n();
  const announce = useAnnounce();
  const [arrivals, setArrivals] = useState<Crossing[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const since = new Date(Date.now() - WINDOW_MS).toISOString();
    fetchCrossings({ controlPoint, since }).then(
      (list) => setArrivals([...list].reverse()),
      (error: unknown) => setFailure(error instanceof ApiFailure ? error.code : 'INTERNAL'),
    );
  }, [controlPoint]);

  useLiveEvents((name, event) => {
    if (name !== 'CrossingDecided') return;
    const parsed = Crossing.safeParse(event);
    if (!parsed.success || parsed.data.controlPoint !== controlPoint) return;
    const c = parsed.data;
    setArrivals((list) => [c, ...(list ?? []).filter((x) => x.crossingId !== c.crossingId)]);
    announce(
      t('lane.live', { point: controlPoint, decision: decisionText(c), seal: c.sealId }),
      c.decision === 'GO' ? 'polite' : 'assertive',
    );
  });

  const decisionText = (c: Crossing) => t(c.decision === 'GO' ? 'lane.go' : 'lane.inspect');
  const reasonText = (r: string) => text(`reason.${r}`);
  const latest = arrivals?.[0];

  return (
    <section class="lane">
      <h1>{t('lane.title', { point: controlPoint })}</h1>
      {failure ? (
        <p class="error" role="alert">
          {errorText(failure)}
        </p>
      ) : !arrivals ? (
        <p aria-busy="true">{t('app.loading')}</p>
      ) : !latest ? (
        <p class="empty">{t('lane.waiting')}</p>
      ) : (
        <div
          class={`decision ${latest.decision === 'GO' ? 'go' : 'inspect'}`}
          data-testid="lane-decision"
          data-decision={latest.decision}
          data-seal={latest.sealId}
        >
          <p class="verdict" style={{ fontSize: '4rem', fontWeight: 700, margin: 0 }}>
            {decisionText(latest)}
          </p>
          <p>
            {t('lane.seal', { seal: latest.sealId, vehicle: latest.conveyance ?? '—' })} ·{' '}
            <a href={href.seals(latest.sealId)}>{t('lane.track')}</a>
          </p>
          {latest.reasons.length > 0 && (
            <ul aria-label={t('lane.reasons')} data-testid="lane-reasons">
              {latest.reasons.map((r) => (
                <li key={r} data-reason={r}>
                  {reasonText(r)}
                </li>
              ))}
            </ul>
          )}
          <p>
            {latest.declarationIds.map((id) => (
              <a key={id} href={href.declaration(id)} style={{ marginRight: '1em' }}>
                {id}
              </a>
            ))}
          </p>
        </div>
      )}
      {arrivals && arrivals.length > 0 && (
        <div class="table-wrap">
          <table data-testid="lane-arrivals">
            <caption>{t('lane.arrivals')}</caption>
            <tbody>
              {arrivals.map((c) => (
                <tr key={c.crossingId} data-crossing={c.crossingId} data-decision={c.decision}>
                  <td>{new Date(c.at).toLocaleTimeString()}</td>
                  <td>
                    <a href={href.seals(c.sealId)}>{c.sealId}</a>
                  </td>
                  <td>{decisionText(c)}</td>
                  <td>{c.reasons.map(reasonText).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
