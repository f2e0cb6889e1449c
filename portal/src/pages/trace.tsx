/**
 * Trace-back of food animals supplied to Hong Kong: one ear tag (or a carcass found
 * non-compliant) back to its farm, health certificate, truck, seal track, crossings, arrival
 * check at Man Kam To and slaughterhouse findings, in one ledger query
 * (GET /v1/livestock/trace). Officers only.
 */
import { TRACE_KINDS, TraceBackSchema, type TraceBack, type TraceKind } from '@clearance/domain';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, call } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { href, navigate } from '../ui/router';

const isKind = (k: string | undefined): k is TraceKind => TRACE_KINDS.some((x) => x === k);

export function TracePage({ kind, id }: { kind?: string | undefined; id?: string | undefined }) {
  const { t, error: errorText } = useI18n();
  const [form, setForm] = useState({ kind: isKind(kind) ? kind : 'earTag', id: id ?? '' });
  const [trace, setTrace] = useState<TraceBack | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setTrace(null);
    setFailure(null);
    if (!isKind(kind) || !id) return;
    setBusy(true);
    const query = new URLSearchParams({ kind, id });
    call(TraceBackSchema, 'GET', `/v1/livestock/trace?${query}`)
      .then(setTrace, (e: unknown) => setFailure(e instanceof ApiFailure ? e.code : 'INTERNAL'))
      .finally(() => setBusy(false));
  }, [kind, id]);

  const seal = trace?.sealTrack;
  const sealState = (s: Record<string, unknown>) => (typeof s.state === 'string' ? s.state : '');
  const alarms = (s: Record<string, unknown>) => (Array.isArray(s.alarms) ? s.alarms.length : 0);

  return (
    <section class="trace">
      <h1>{t('trace.title')}</h1>
      <p>{t('trace.intro')}</p>
      <form
        data-testid="trace-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (form.id.trim()) navigate(href.trace(form.kind, form.id.trim()));
        }}
      >
        <label>
          {t('trace.kind')}{' '}
          <select
            name="kind"
            value={form.kind}
            onChange={(e) => {
              const value = e.currentTarget.value;
              if (isKind(value)) setForm({ ...form, kind: value });
            }}
          >
            {TRACE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`trace.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          {t('trace.id')}{' '}
          <input
            name="id"
            value={form.id}
            maxLength={64}
            pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
            onInput={(e) => setForm({ ...form, id: e.currentTarget.value })}
          />
        </label>{' '}
        <button type="submit">{t('trace.search')}</button>
      </form>
      {busy && <p aria-busy="true">{t('app.loading')}</p>}
      {failure && (
        <p class="error" role="alert" data-testid="trace-error" data-code={failure}>
          {failure === 'NOT_FOUND' ? t('trace.notFound', { id: id ?? '' }) : errorText(failure)}
        </p>
      )}
      {trace && (
        <div data-testid="trace-result" data-stage={trace.stage}>
          <p data-testid="trace-stage">
            <strong>{trace.earTag}</strong> · {t(`trace.stage.${trace.stage}`)}
          </p>
          {trace.consignment.hold && (
            <p class="error" data-testid="trace-held">
              {t('trace.held', { reason: trace.consignment.hold.reason })}
            </p>
          )}
          <h2>{t('trace.farm')}</h2>
          <p data-testid="trace-farm" data-status={trace.farm.status}>
            {trace.farm.farmId} · {trace.farm.name} · {trace.farm.region} ·{' '}
            {t(`trace.farmStatus.${trace.farm.status}`)}
          </p>
          <h2>{t('trace.certificate')}</h2>
          <p data-testid="trace-certificate">
            {trace.consignment.certificate.certificateNo} · {trace.consignment.certificate.species}{' '}
            × {trace.consignment.certificate.headCount} ·{' '}
            {t('trace.signedBy', { who: trace.consignment.signature.signerSubject })}
          </p>
          <p>
            {t('trace.residues')}:{' '}
            {trace.consignment.certificate.residueTests
              .map((r) => `${r.substance} ${r.result}`)
              .join('; ')}
          </p>
          <h2>{t('trace.truck')}</h2>
          <p data-testid="trace-truck">{trace.conveyance}</p>
          <p data-testid="trace-seal">
            {seal ? (
              <a href={href.seals(seal.seal.sealId)}>
                {t('trace.seal', {
                  seal: seal.seal.sealId,
                  state: sealState(seal.seal),
                  alarms: String(alarms(seal.seal)),
                  batches: String(seal.anchors.length),
                })}
              </a>
            ) : (
              t('trace.noSeal')
            )}
          </p>
          {seal && seal.crossings.length > 0 && (
            <p>
              {t('trace.crossings')}: {seal.crossings.length}
            </p>
          )}
          <h2>{t('trace.arrival')}</h2>
          <p data-testid="trace-arrival" data-result={trace.arrival?.result ?? ''}>
            {trace.arrival
              ? `${trace.arrival.result} ${trace.arrival.flags.join(', ')}`
              : t('trace.noArrival')}
          </p>
          <h2>{t('trace.receipt')}</h2>
          <p data-testid="trace-receipt">
            {trace.receipt
              ? `${trace.receipt.slaughterhouse} · ${t('trace.nonCompliant', { tags: trace.receipt.nonCompliant.join(', ') || '—' })}`
              : t('trace.noReceipt')}
          </p>
        </div>
      )}
    </section>
  );
}
