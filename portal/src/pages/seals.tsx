/** Seal monitor: seals in transit with alarms first; each seal's track, alarms and checkpoint checks. */
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, call } from '../api/client';
import { SealPage, Track, type SealSummary, type Track as TrackData } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { RouteMap } from '../map/route-map';
import { actorName } from '../ui/format';
import { href } from '../ui/router';
import { useAnnounce, useLiveEvents } from '../ui/session';

const alarmsFirst = (a: SealSummary, b: SealSummary) =>
  b.alarms.length - a.alarms.length || a.sealId.localeCompare(b.sealId);

export function SealsPage({ sealId }: { sealId?: string }) {
  const { t, error: errorText } = useI18n();
  const announce = useAnnounce();
  const [seals, setSeals] = useState<SealSummary[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [alarm, setAlarm] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    call(SealPage, 'GET', '/v1/seals?state=APPLIED').then(
      (page) => {
        setSeals([...page.items].sort(alarmsFirst));
        setFailure(null);
      },
      (error: unknown) => setFailure(error instanceof ApiFailure ? error.code : 'INTERNAL'),
    );
  }, [tick]);

  useLiveEvents((name, event) => {
    if (!event.sealId) return;
    if (name === 'SealAlarmRaised') {
      const message = t('live.alarm', {
        seal: event.sealId,
        kind: event.kind ?? '',
        held: (event.heldDeclarations ?? []).join(', ') || '—',
      });
      setAlarm(message);
      announce(message, 'assertive');
    }
    setTick((n) => n + 1);
  });

  // With no seal chosen, the first (alarms first) shows its track on the map.
  const shown = sealId ?? seals?.[0]?.sealId;
  return (
    <section>
      <h1>{t('seals.title')}</h1>
      {alarm && (
        <p class="alarm" data-testid="alarm-banner">
          {alarm}
        </p>
      )}
      {failure ? (
        <p class="error" role="alert">
          {errorText(failure)}
        </p>
      ) : !seals ? (
        <p aria-busy="true">{t('app.loading')}</p>
      ) : seals.length === 0 ? (
        <p class="empty">{t('seals.none')}</p>
      ) : (
        <div class="table-wrap">
          <table data-testid="seal-list">
            <caption class="sr-only">{t('seals.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('seals.seal')}</th>
                <th scope="col">{t('seals.alarms')}</th>
                <th scope="col">{t('seals.conveyance')}</th>
                <th scope="col">{t('seals.route')}</th>
                <th scope="col">{t('seals.declarations')}</th>
              </tr>
            </thead>
            <tbody>
              {seals.map((s) => (
                <tr
                  key={s.sealId}
                  class={s.alarms.length > 0 ? 'alarmed' : ''}
                  data-seal={s.sealId}
                  aria-current={s.sealId === shown || undefined}
                >
                  <th scope="row">
                    <a href={href.seals(s.sealId)}>{s.sealId}</a>
                  </th>
                  <td>
                    {s.alarms.length > 0 ? (
                      <span class="badge alarm-badge">{s.alarms.join(', ')}</span>
                    ) : (
                      t('seals.intact')
                    )}
                  </td>
                  <td>{s.conveyance ?? ''}</td>
                  <td>{s.routeId ?? ''}</td>
                  <td>
                    {s.declarationIds.map((id) => (
                      <a key={id} href={href.declaration(id)} class="chip">
                        {id}
                      </a>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown && <SealTrack sealId={shown} tick={tick} />}
    </section>
  );
}

/** One seal: its track on the route map, its alarms and its checkpoint verifications. */
export function SealTrack({ sealId, tick }: { sealId: string; tick: number }) {
  const { t, date, error: errorText } = useI18n();
  const [track, setTrack] = useState<TrackData | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const base = `/v1/seals/${encodeURIComponent(sealId)}`;

  useEffect(() => {
    call(Track, 'GET', `${base}/track`).then(
      (tr) => {
        setTrack(tr);
        setFailure(null);
      },
      (error: unknown) => setFailure(error instanceof ApiFailure ? error.code : 'INTERNAL'),
    );
  }, [sealId, tick]);

  if (failure)
    return (
      <p class="error" role="alert">
        {errorText(failure)}
      </p>
    );
  if (!track) return <p aria-busy="true">{t('app.loading')}</p>;
  return (
    <section class="seal card" aria-labelledby={`seal-${sealId}`} data-testid="seal-detail">
      <h2 id={`seal-${sealId}`}>{t('seals.sealTitle', { id: sealId })}</h2>
      <RouteMap routeId={track.routeId} track={track.points} />
      <div class="columns">
        <section>
          <h3>{t('seals.alarms')}</h3>
          {track.alarms.length === 0 ? (
            <p>{t('seals.intact')}</p>
          ) : (
            <ul data-testid="seal-alarms">
              {track.alarms.map((a) => (
                <li
                  key={a.txId}
                  data-kind={a.kind}
                  data-cleared={String(a.clearedBy !== undefined)}
                >
                  <strong>{a.kind}</strong> · {date(a.at)} ·{' '}
                  {t('seals.held', { ids: a.heldDeclarations.join(', ') || '—' })}
                  {a.clearedBy && (
                    <>
                      {' · '}
                      {t('seals.cleared', {
                        crossing: a.clearedBy.crossingId,
                        at: date(a.clearedBy.at),
                        who: a.clearedBy.actor.mspId,
                      })}
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section>
          <h3>{t('seals.checkpoints')}</h3>
          {track.checkpoints.length === 0 ? (
            <p>{t('seals.noCheckpoints')}</p>
          ) : (
            <ul>
              {track.checkpoints.map((c) => (
                <li key={c.txId}>
                  <strong>{c.controlPoint}</strong> · {date(c.at)} · {actorName(c.actor.id)} (
                  {c.actor.mspId})
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </section>
  );
}
